/**
 * Small helpers shared by the SVG writers: escaping, number formatting, the document wrapper.
 *
 * @module
 */

// Characters XML 1.0 forbids anywhere (controls other than tab/newline/return, lone surrogates,
// U+FFFE and U+FFFF): dropped, so any user text yields a well-formed document.
// eslint-disable-next-line no-control-regex
const INVALID_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Escapes text for XML content or a quoted attribute value, dropping characters XML forbids.
 *
 * @example
 * ```ts
 * escapeXml('a < b & "c"'); // 'a &lt; b &amp; &quot;c&quot;'
 * ```
 */
export function escapeXml(text: string): string {
  return String(text)
    .replace(INVALID_XML, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/**
 * A coordinate with at most 2 decimals and no trailing zeros (keeps files small).
 *
 * @example
 * ```ts
 * num(1.23456); // '1.23'
 * ```
 */
export function num(v: number): string {
  const r = Math.round(v * 100) / 100;
  return Object.is(r, -0) ? '0' : String(r);
}

/**
 * A `<text>` element; `attrs` is raw attribute text the caller built from numbers.
 *
 * @example
 * ```ts
 * textEl(10, 20, 'a < b'); // '<text x="10" y="20">a &lt; b</text>'
 * ```
 */
export function textEl(x: number, y: number, text: string, attrs = ''): string {
  return `<text x="${num(x)}" y="${num(y)}"${attrs ? ' ' + attrs : ''}>${escapeXml(text)}</text>`;
}

/**
 * Wraps a body in a standalone SVG document of the given size with a white background.
 *
 * @example
 * ```ts
 * svgDocument(100, 50, '<circle cx="5" cy="5" r="2"/>');
 * ```
 */
export function svgDocument(width: number, height: number, body: string, style = ''): string {
  const w = num(width);
  const h = num(height);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" ` +
    `font-family="Helvetica, Arial, sans-serif" font-size="12">` +
    (style ? `<style>${style}</style>` : '') +
    `<rect width="${w}" height="${h}" fill="#ffffff"/>${body}</svg>`
  );
}

/**
 * Throws a RangeError unless `value` is a finite number > 0 (or undefined, giving `fallback`).
 *
 * @example
 * ```ts
 * positive(undefined, 'width', 'scatterSvg', 640); // 640
 * ```
 */
export function positive(value: unknown, name: string, where: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${where}: ${name} must be a finite number > 0 (got ${String(value)})`);
  }
  return value;
}
