/**
 * Tokenisation as scikit-learn's vectorizers do it by default: lower-case the document, take
 * every match of the token pattern `(?u)\b\w\w+\b` (runs of two or more word characters), and
 * drop stop words. Python's Unicode `\w` is exactly the letters (L*), the numbers (N*) and the
 * underscore, which `[\p{L}\p{N}_]` spells in JavaScript; a maximal run of them of length ≥ 2 is
 * what `\b\w\w+\b` matches. (Node's Unicode tables may be newer than Python's, which only
 * matters for characters added since.)
 *
 * @module
 */

const TOKEN = /[\p{L}\p{N}_]{2,}/gu;

/**
 * The tokens of one document in order: lower-cased when asked, matched by scikit-learn's
 * default token pattern, stop words removed.
 *
 * @example
 * ```ts
 * tokenize('The cat sat on a mat, naïvely.', true, new Set(['the', 'on'])); // ['cat', 'sat', 'mat', 'naïvely']
 * ```
 */
export function tokenize(doc: string, lowercase: boolean, stopWords: ReadonlySet<string> | null): string[] {
  const text = lowercase ? doc.toLowerCase() : doc;
  const out: string[] = [];
  for (const m of text.matchAll(TOKEN)) {
    if (stopWords === null || !stopWords.has(m[0])) out.push(m[0]);
  }
  return out;
}

/**
 * Orders strings by Unicode code point, as Python's `sorted` does (JavaScript's `<` compares
 * UTF-16 code units, which differs for characters beyond U+FFFF).
 *
 * @example
 * ```ts
 * ['b', 'a', '😀', '\uffff'].sort(compareCodePoints); // ['a', 'b', '\uffff', '😀']
 * ```
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // A surrogate (0xD800–0xDFFF) starts a code point above every BMP character.
    const sx = x >= 0xd800 && x <= 0xdfff;
    const sy = y >= 0xd800 && y <= 0xdfff;
    if (sx !== sy) return sx ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}
