/**
 * A safetensors header that lists a key twice is rejected (JSON.parse would keep the last one
 * silently), including keys spelled with escapes; equal keys in different objects are fine.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FormatError } from '../../src/errors.js';
import { findDuplicateKey } from '../../src/io/json-duplicate-keys.js';
import { decodeSafetensors } from '../../src/io/safetensors.js';
import { loadSafetensors } from '../../src/io/safetensors-file.js';

/** A safetensors file with a hand-written header (no checksum, as other tools write). */
function file(header: string, dataBytes: number): Uint8Array {
  const json = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + json.length + dataBytes);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 8);
  return out;
}

const u8 = (begin: number, end: number) => `{"dtype":"U8","shape":[${end - begin}],"data_offsets":[${begin},${end}]}`;

function decodeError(bytes: Uint8Array): Error {
  try {
    decodeSafetensors(bytes, 'dup.safetensors');
  } catch (e) {
    return e as Error;
  }
  throw new Error('decodeSafetensors accepted the file');
}

describe('findDuplicateKey', () => {
  it.each([
    ['{"a":1,"a":2}', { key: 'a', path: [] }],
    ['{"a\\"b":1,"a\\"b":2}', { key: 'a"b', path: [] }],
    ['{"w":1,"\\u0077":2}', { key: 'w', path: [] }],
    ['{"x\\\\":1, "x\\\\" :2}', { key: 'x\\', path: [] }],
    ['{"m":{"k":"v","k":"v"}}', { key: 'k', path: ['m'] }],
    ['{"a":[1,{"b":{"c":0,"c":1}}]}', { key: 'c', path: ['a', '[]', 'b'] }],
  ])('finds the repeated key in %s', (text, expected) => {
    JSON.parse(text); // the inputs are valid JSON, as the scan assumes
    expect(findDuplicateKey(text)).toEqual(expected);
  });

  it.each([
    '{}',
    '{"a":1,"b":2}',
    '{"a":{"x":1},"b":{"x":1}}',
    '{"a":[{"x":1},{"x":2}]}',
    '{"a":"\\"a\\":1","b":"a"}',
    '{"a\\"":1,"a":2}',
    '{"s":["a","a"],"t":"a"}',
    '{"x\\\\":1,"x":2}',
  ])('finds none in %s', (text) => {
    JSON.parse(text);
    expect(findDuplicateKey(text)).toBeNull();
  });
});

describe('decodeSafetensors with a repeated key', () => {
  it('rejects a tensor listed twice, naming it', () => {
    const e = decodeError(file(`{"w":${u8(0, 2)},"w":${u8(0, 2)}}`, 2));
    expect(e).toBeInstanceOf(FormatError);
    expect(e.message).toBe('decodeSafetensors: dup.safetensors: header has the key "w" more than once');
  });

  it('rejects a repeat spelled with escapes, naming the decoded key', () => {
    const e = decodeError(file(`{"enc\\"0":${u8(0, 2)},"v":${u8(2, 3)},"enc\\u00220":${u8(0, 2)}}`, 3));
    expect(e).toBeInstanceOf(FormatError);
    expect(e.message).toMatch(/header has the key "enc\\"0" more than once$/);
  });

  it('rejects repeats inside __metadata__ and inside a tensor entry, naming where', () => {
    const meta = decodeError(file(`{"__metadata__":{"format":"pt","format":"np"},"w":${u8(0, 1)}}`, 1));
    expect(meta.message).toMatch(/header has the key "format" more than once inside "__metadata__"$/);
    const entry = decodeError(file('{"w":{"dtype":"U8","dtype":"U8","shape":[1],"data_offsets":[0,1]}}', 1));
    expect(entry.message).toMatch(/header has the key "dtype" more than once inside "w"$/);
  });

  it('still reads keys that only look alike', () => {
    const out = decodeSafetensors(file(`{"a\\"":${u8(0, 1)},"a":${u8(1, 2)},"__metadata__":{"a":"\\"a\\":"}}`, 2), 'ok');
    expect(Object.keys(out.tensors).sort()).toEqual(['a', 'a"']);
    expect(out.metadata.a).toBe('"a":');
  });
});

describe('loadSafetensors with a repeated key', () => {
  const dir = mkdtempSync(join(tmpdir(), 'latent-ts-dup-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('throws a FormatError naming the file and the key', async () => {
    const path = join(dir, 'twice.safetensors');
    writeFileSync(path, file(`{"w":${u8(0, 2)},"w":${u8(0, 2)}}`, 2));
    await expect(loadSafetensors(path)).rejects.toThrow(FormatError);
    await expect(loadSafetensors(path)).rejects.toThrow(`${path}: header has the key "w" more than once`);
  });
});
