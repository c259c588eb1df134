/**
 * Finds a repeated key in JSON text. `JSON.parse` keeps the last of two equal keys without a
 * word, so a safetensors header naming one tensor twice would silently lose the first entry;
 * this scan over the raw text is how the header reader sees it.
 *
 * @module
 */

/**
 * Where a key repeats: the key (decoded, so `"a"` and `"\u0061"` are the same key) and the
 * chain of keys leading to the object holding it (empty for the top level).
 *
 * @example
 * ```ts
 * findDuplicateKey('{"w":{"dtype":"F32","dtype":"F64"}}'); // { key: 'dtype', path: ['w'] }
 * ```
 */
export interface DuplicateKey {
  key: string;
  path: string[];
}

/**
 * The first key that appears twice in one object of `text`, or null when there is none. In one
 * pass, without building the value. `text` must already be valid JSON (checked by `JSON.parse`
 * before): the scan relies on it and does not validate the syntax itself.
 *
 * @example
 * ```ts
 * findDuplicateKey('{"a\\"b":1,"a\\"b":2}'); // { key: 'a"b', path: [] }
 * findDuplicateKey('{"a":[{"x":1},{"x":2}]}'); // null: two objects, one x each
 * ```
 */
export function findDuplicateKey(text: string): DuplicateKey | null {
  // One frame per open container: the keys seen so far in an object, null in an array. `path`
  // holds the key under which each open object or array sits (arrays add no key of their own).
  const frames: (Set<string> | null)[] = [];
  const path: string[] = [];
  let lastKey: string | null = null;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = stringEnd(text, i);
      const frame = frames.length > 0 ? frames[frames.length - 1] : null;
      let j = end;
      while (j < n && isSpace(text.charCodeAt(j))) j++;
      if (frame !== null && text.charCodeAt(j) === COLON) {
        const key = decodeString(text.slice(i, end));
        if (frame.has(key)) return { key, path: path.slice() };
        frame.add(key);
        lastKey = key;
      }
      i = end;
      continue;
    }
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      // The container is the value of the last key when the parent is an object.
      if (frames.length > 0) path.push(frames[frames.length - 1] !== null ? (lastKey as string) : '[]');
      frames.push(c === OPEN_BRACE ? new Set() : null);
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      frames.pop();
      path.pop();
    }
    i++;
  }
  return null;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** Index just past the closing quote of the string starting at `start`; a backslash skips the next character. */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) i += 2;
    else if (c === QUOTE) return i + 1;
    else i++;
  }
  return i;
}

/** The value of a JSON string token; plain tokens (no escapes) skip the parser. */
function decodeString(token: string): string {
  return token.indexOf('\\') < 0 ? token.slice(1, -1) : (JSON.parse(token) as string);
}
