/**
 * Composes several SVG pictures into one, side by side, each under its own title.
 *
 * @module
 */
import { num, positive, svgDocument, textEl } from './svg.js';

/**
 * Options for {@link sideBySideSvg}.
 *
 * @example
 * ```ts
 * sideBySideSvg([a, b], { titles: ['[A] PCA', '[B] AE'], gap: 24 });
 * ```
 */
export interface SideBySideOptions {
  /** A title above each panel, e.g. `['[A] PCA', '[B] Autoencoder', '[C] VAE']`. */
  titles?: readonly string[];
  /** A title above everything. */
  title?: string;
  /** Space between panels in pixels (default 16). */
  gap?: number;
}

/**
 * One SVG holding `panels` (SVG documents such as {@link scatterSvg} returns) in a row. Each
 * panel keeps its own size, read from the `width` and `height` of its root element, and is
 * nested as an `<svg>` element, so its content is untouched.
 *
 * @throws TypeError when a panel is not an SVG document with numeric width and height;
 * RangeError when `titles` has the wrong length.
 * @example
 * ```ts
 * const figure = sideBySideSvg([scatterSvg(pca2), scatterSvg(ae2), scatterSvg(vae2)], {
 *   titles: ['[A] PCA', '[B] Autoencoder', '[C] VAE'],
 * });
 * ```
 */
export function sideBySideSvg(panels: readonly string[], options: SideBySideOptions = {}): string {
  const where = 'sideBySideSvg';
  if (!Array.isArray(panels) || panels.length === 0) throw new TypeError(`${where}: panels must be a non-empty array of SVG strings`);
  const titles = options.titles;
  if (titles !== undefined && titles.length !== panels.length) {
    throw new RangeError(`${where}: titles has ${titles.length} entries, but there are ${panels.length} panels`);
  }
  const gap = options.gap === undefined ? 16 : positive(options.gap, 'gap', where, 16);
  const top = options.title ? 32 : 0;
  const band = titles ? 24 : 0;
  const sized = panels.map((p, i) => readPanel(p, i, where));
  const width = gap + sized.reduce((a, p) => a + p.width + gap, 0);
  const height = top + band + Math.max(...sized.map((p) => p.height)) + gap;
  const parts: string[] = [];
  if (options.title) parts.push(textEl(width / 2, 22, options.title, 'text-anchor="middle" font-size="17" font-weight="bold"'));
  let x = gap;
  sized.forEach((p, i) => {
    if (titles) parts.push(textEl(x + p.width / 2, top + 17, titles[i], 'text-anchor="middle" font-size="15" font-weight="bold"'));
    parts.push(`<g transform="translate(${num(x)} ${num(top + band)})">${p.body}</g>`);
    x += p.width + gap;
  });
  return svgDocument(width, height, parts.join(''));
}

function readPanel(panel: string, i: number, where: string): { width: number; height: number; body: string } {
  if (typeof panel !== 'string') throw new TypeError(`${where}: panels[${i}] must be an SVG string (got ${typeof panel})`);
  // Drop an XML declaration or doctype: they may only appear at the very start of a document.
  const body = panel.replace(/^\uFEFF?\s*(<\?xml[^>]*\?>\s*)?(<!DOCTYPE[^>]*>\s*)?/i, '').trim();
  const open = /^<svg\b[^>]*>/.exec(body);
  if (!open) throw new TypeError(`${where}: panels[${i}] must be an SVG document starting with <svg`);
  const attr = (name: string) => {
    const m = new RegExp(`\\s${name}\\s*=\\s*["']\\s*([0-9.]+)(px)?\\s*["']`).exec(open[0]);
    return m ? Number(m[1]) : NaN;
  };
  const width = attr('width');
  const height = attr('height');
  if (!(width > 0 && height > 0)) {
    throw new TypeError(`${where}: panels[${i}] needs numeric width and height attributes on its <svg> element`);
  }
  return { width, height, body };
}

