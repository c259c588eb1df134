/**
 * A tiny XML well-formedness checker and tree builder for tests (no dependencies). It accepts
 * an optional XML declaration, comments, CDATA, elements with quoted attributes, text and the
 * predefined or numeric entities, and throws an Error with the offset of the first problem.
 */

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** Concatenated text directly inside this element, entities decoded. */
  text: string;
}

const NAME = /[A-Za-z_:][A-Za-z0-9_.:-]*/y;
// eslint-disable-next-line no-control-regex
const BAD_CHAR = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function decode(raw: string, at: number): string {
  if (raw.includes('<')) throw new Error(`XML: raw '<' in text or attribute near offset ${at}`);
  return raw.replace(/&([^;]*);?/g, (m, body: string) => {
    if (!m.endsWith(';')) throw new Error(`XML: unterminated entity '${m}' near offset ${at}`);
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    if (body in named) return named[body];
    const num = /^#(?:x([0-9a-fA-F]+)|([0-9]+))$/.exec(body);
    if (!num) throw new Error(`XML: unknown entity '&${body};' near offset ${at}`);
    const code = num[1] ? parseInt(num[1], 16) : parseInt(num[2], 10);
    if (code === 0 || code > 0x10ffff) throw new Error(`XML: invalid character reference '&${body};'`);
    return String.fromCodePoint(code);
  });
}

/** Parses `xml`, returning the root element, or throws on the first well-formedness error. */
export function parseXml(xml: string): XmlElement {
  const bad = BAD_CHAR.exec(xml);
  if (bad) throw new Error(`XML: forbidden character U+${bad[0].charCodeAt(0).toString(16)} at offset ${bad.index}`);
  let i = 0;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const skipMisc = () => {
    for (;;) {
      while (i < xml.length && /\s/.test(xml[i])) i++;
      if (xml.startsWith('<!--', i)) {
        const end = xml.indexOf('-->', i + 4);
        if (end < 0 || xml.slice(i + 4, end).includes('--')) throw new Error(`XML: bad comment at offset ${i}`);
        i = end + 3;
      } else return;
    }
  };
  if (xml.startsWith('<?xml')) {
    const end = xml.indexOf('?>');
    if (end < 0) throw new Error('XML: unterminated declaration');
    i = end + 2;
  }
  skipMisc();
  while (i < xml.length) {
    if (stack.length === 0 && root) {
      skipMisc();
      if (i < xml.length) throw new Error(`XML: content after the root element at offset ${i}`);
      break;
    }
    if (xml.startsWith('<!--', i)) {
      const end = xml.indexOf('-->', i + 4);
      if (end < 0 || xml.slice(i + 4, end).includes('--')) throw new Error(`XML: bad comment at offset ${i}`);
      i = end + 3;
    } else if (xml.startsWith('<![CDATA[', i)) {
      if (stack.length === 0) throw new Error(`XML: CDATA outside the root at offset ${i}`);
      const end = xml.indexOf(']]>', i);
      if (end < 0) throw new Error(`XML: unterminated CDATA at offset ${i}`);
      stack[stack.length - 1].text += xml.slice(i + 9, end);
      i = end + 3;
    } else if (xml.startsWith('</', i)) {
      NAME.lastIndex = i + 2;
      const m = NAME.exec(xml);
      const top = stack.pop();
      if (!m || !top || m[0] !== top.name) throw new Error(`XML: mismatched end tag at offset ${i} (open: ${top?.name ?? 'none'})`);
      i = NAME.lastIndex;
      while (/\s/.test(xml[i] ?? '')) i++;
      if (xml[i] !== '>') throw new Error(`XML: bad end tag at offset ${i}`);
      i++;
    } else if (xml[i] === '<') {
      i = openTag(xml, i, stack, (el) => {
        if (stack.length === 0 && root) throw new Error(`XML: second root element at offset ${i}`);
        if (stack.length === 0) root = el;
        else stack[stack.length - 1].children.push(el);
      });
    } else {
      const end = xml.indexOf('<', i);
      const raw = xml.slice(i, end < 0 ? xml.length : end);
      if (stack.length === 0) {
        if (raw.trim()) throw new Error(`XML: text outside the root element at offset ${i}`);
      } else {
        if (raw.includes(']]>')) throw new Error(`XML: ']]>' in text at offset ${i}`);
        stack[stack.length - 1].text += decode(raw, i);
      }
      i = end < 0 ? xml.length : end;
    }
  }
  if (stack.length > 0) throw new Error(`XML: unclosed element <${stack[stack.length - 1].name}>`);
  if (!root) throw new Error('XML: no root element');
  return root;
}

function openTag(xml: string, start: number, stack: XmlElement[], attach: (el: XmlElement) => void): number {
  NAME.lastIndex = start + 1;
  const m = NAME.exec(xml);
  if (!m) throw new Error(`XML: bad tag name at offset ${start}`);
  const el: XmlElement = { name: m[0], attrs: Object.create(null), children: [], text: '' };
  let i = NAME.lastIndex;
  for (;;) {
    const hadSpace = /\s/.test(xml[i] ?? '');
    while (/\s/.test(xml[i] ?? '')) i++;
    if (xml.startsWith('/>', i)) {
      attach(el);
      return i + 2;
    }
    if (xml[i] === '>') {
      attach(el);
      stack.push(el);
      return i + 1;
    }
    if (!hadSpace) throw new Error(`XML: expected whitespace before an attribute at offset ${i}`);
    NAME.lastIndex = i;
    const a = NAME.exec(xml);
    if (!a) throw new Error(`XML: bad attribute at offset ${i} in <${el.name}>`);
    i = NAME.lastIndex;
    while (/\s/.test(xml[i] ?? '')) i++;
    if (xml[i] !== '=') throw new Error(`XML: attribute ${a[0]} without '=' at offset ${i}`);
    i++;
    while (/\s/.test(xml[i] ?? '')) i++;
    const quote = xml[i];
    if (quote !== '"' && quote !== "'") throw new Error(`XML: unquoted attribute ${a[0]} at offset ${i}`);
    const end = xml.indexOf(quote, i + 1);
    if (end < 0) throw new Error(`XML: unterminated attribute ${a[0]} at offset ${i}`);
    if (a[0] in el.attrs) throw new Error(`XML: duplicate attribute ${a[0]} in <${el.name}>`);
    el.attrs[a[0]] = decode(xml.slice(i + 1, end), i);
    i = end + 1;
  }
}

/** All elements named `name` in the tree, in document order. */
export function findAll(root: XmlElement, name: string): XmlElement[] {
  const out: XmlElement[] = [];
  const walk = (el: XmlElement) => {
    if (el.name === name) out.push(el);
    el.children.forEach(walk);
  };
  walk(root);
  return out;
}
