import { describe, expect, it } from 'vitest';
import { FormatError } from '../../src/errors.js';
import { decodeSafetensors, encodeSafetensors, type SafetensorsTensor } from '../../src/io/safetensors.js';

const bytesOf = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

function specialF32(): Float32Array {
  const bits = new Uint32Array([
    0x80000000, // -0
    0x7fc00001, // quiet NaN with a payload
    0x7f800001, // signalling NaN
    0xffc12345, // negative NaN with a payload
    0x00000001, // smallest subnormal
    0x807fffff, // largest negative subnormal
    0x7f800000, // +Infinity
    0x3f800000, // 1
  ]);
  return new Float32Array(bits.buffer);
}

function specialF64(): Float64Array {
  const bits = new BigUint64Array([
    0x8000000000000000n, 0x7ff8000000000001n, 0x7ff0000000000001n, 0xfff0deadbeef0001n,
    0x0000000000000001n, 0x800fffffffffffffn, 0xfff0000000000000n, 0x3ff0000000000000n,
  ]);
  return new Float64Array(bits.buffer);
}

function foreignFile(header: string, data: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

describe('encodeSafetensors / decodeSafetensors', () => {
  it('round-trips every supported dtype bit-exactly, with metadata', () => {
    const tensors: Record<string, SafetensorsTensor> = {
      'encoder.0.weight': { dtype: 'F32', shape: [2, 4], data: specialF32() },
      z64: { dtype: 'F64', shape: [8], data: specialF64() },
      counts: { dtype: 'I32', shape: [3], data: new Int32Array([-1, 0, 2 ** 31 - 1]) },
      steps: { dtype: 'U32', shape: [1], data: new Uint32Array([2 ** 32 - 1]) },
      mask: { dtype: 'U8', shape: [5], data: new Uint8Array([0, 1, 254, 255, 7]) },
      flags: { dtype: 'BOOL', shape: [2], data: new Uint8Array([0, 1]) },
      big: { dtype: 'I64', shape: [2], data: new BigInt64Array([-(2n ** 63n), 42n]) },
      half: { dtype: 'F16', shape: [2], data: new Uint16Array([0x3c00, 0x8000]) },
      small: { dtype: 'I8', shape: [2], data: new Int8Array([-128, 127]) },
      empty: { dtype: 'F32', shape: [0, 3], data: new Float32Array(0) },
      scalar: { dtype: 'F64', shape: [], data: new Float64Array([Math.PI]) },
    };
    const metadata = { model: 'VAE', version: '1', config: JSON.stringify({ latentDim: 2, note: '"quoted" ünïcode' }) };
    const bytes = encodeSafetensors(tensors, metadata);
    const back = decodeSafetensors(bytes);
    expect({ ...back.metadata }).toEqual(metadata);
    expect(Object.keys(back.tensors).sort()).toEqual(Object.keys(tensors).sort());
    for (const [name, t] of Object.entries(tensors)) {
      const u = back.tensors[name];
      expect(u.dtype).toBe(t.dtype);
      expect(u.shape).toEqual(t.shape);
      expect(u.data.constructor).toBe(t.data.constructor);
      expect(bytesOf(u.data)).toEqual(bytesOf(t.data));
    }
  });

  it('writes the layout other tools expect', () => {
    const bytes = encodeSafetensors(
      {
        b: { dtype: 'U8', shape: [3], data: new Uint8Array([1, 2, 3]) },
        a: { dtype: 'F64', shape: [1], data: new Float64Array([1]) },
        c: { dtype: 'F32', shape: [2], data: new Float32Array([1, 2]) },
      },
      { k: 'v' },
    );
    const view = new DataView(bytes.buffer);
    const n = view.getUint32(0, true);
    expect(view.getUint32(4, true)).toBe(0);
    expect((8 + n) % 8).toBe(0);
    const text = new TextDecoder().decode(bytes.subarray(8, 8 + n));
    expect(text.trimEnd().length).toBeLessThanOrEqual(n);
    expect(/^ *$/.test(text.slice(text.trimEnd().length))).toBe(true);
    const header = JSON.parse(text);
    expect(header.__metadata__.k).toBe('v');
    expect(header.__metadata__['latent_ts.crc32']).toMatch(/^[0-9a-f]{8}$/);
    // Largest element size first, so each tensor is aligned to its element size.
    expect(header.a.data_offsets).toEqual([0, 8]);
    expect(header.c.data_offsets).toEqual([8, 16]);
    expect(header.b.data_offsets).toEqual([16, 19]);
    expect(bytes.length).toBe(8 + n + 19);
    expect(Array.from(bytes.subarray(8 + n + 16))).toEqual([1, 2, 3]);
  });

  it('decodes a file written by another tool (no checksum, no padding, any key order)', () => {
    const data = new Uint8Array(new Float32Array([1.5, -2]).buffer);
    const ints = new Uint8Array(new Int32Array([7]).buffer);
    const file = foreignFile(
      '{"w":{"shape":[2],"dtype":"F32","data_offsets":[4,12]},"__metadata__":{"format":"pt"},"i":{"dtype":"I32","shape":[1],"data_offsets":[0,4]}}',
      new Uint8Array([...ints, ...data]),
    );
    const { tensors, metadata } = decodeSafetensors(file, 'foreign.safetensors');
    expect(Array.from(tensors.w.data as Float32Array)).toEqual([1.5, -2]);
    expect(Array.from(tensors.i.data as Int32Array)).toEqual([7]);
    expect({ ...metadata }).toEqual({ format: 'pt' });
  });

  it('can omit the checksum, and the output still decodes', () => {
    const t = { x: { dtype: 'F32' as const, shape: [1], data: new Float32Array([3]) } };
    const bytes = encodeSafetensors(t, {}, { checksum: false });
    expect(new TextDecoder().decode(bytes)).not.toContain('latent_ts');
    expect(decodeSafetensors(bytes).tensors.x.data[0]).toBe(3);
  });

  it('returns copies that do not alias the input bytes', () => {
    const bytes = encodeSafetensors({ x: { dtype: 'U8', shape: [2], data: new Uint8Array([1, 2]) } });
    const out = decodeSafetensors(bytes).tensors.x.data;
    expect(out.buffer).not.toBe(bytes.buffer);
  });

  it('handles a tensor named like a prototype key', () => {
    const tensors = Object.create(null) as Record<string, SafetensorsTensor>;
    tensors['__proto__'] = { dtype: 'U8', shape: [1], data: new Uint8Array([9]) };
    const back = decodeSafetensors(encodeSafetensors(tensors));
    expect(Object.keys(back.tensors)).toEqual(['__proto__']);
    expect(back.tensors['__proto__'].data[0]).toBe(9);
  });

  it.each([
    ['a reserved tensor name', { __metadata__: { dtype: 'U8', shape: [1], data: new Uint8Array(1) } }, {}, /reserved/],
    ['an unknown dtype', { x: { dtype: 'F128', shape: [1], data: new Float32Array(1) } }, {}, /unknown dtype "F128"/],
    ['a data class that does not match the dtype', { x: { dtype: 'F32', shape: [1], data: new Float64Array(1) } }, {}, /must be a Float32Array \(got Float64Array\)/],
    ['a shape that does not match the data', { x: { dtype: 'F32', shape: [2, 2], data: new Float32Array(3) } }, {}, /shape \[2, 2\] needs 4 elements, data has 3/],
    ['a negative dimension', { x: { dtype: 'F32', shape: [-1], data: new Float32Array(0) } }, {}, /non-negative integers/],
    ['a non-string metadata value', {}, { n: 3 }, /metadata field 'n' must be a string/],
    ['a reserved metadata key', {}, { 'latent_ts.crc32': 'x' }, /reserved for the checksum/],
  ])('rejects %s on encode', (_name, tensors, metadata, message) => {
    expect(() => encodeSafetensors(tensors as never, metadata as never)).toThrow(message);
  });
});

describe('decodeSafetensors on malformed input', () => {
  const good = encodeSafetensors({ w: { dtype: 'F32', shape: [2], data: new Float32Array([1, 2]) } }, { model: 'PCA' });
  const data8 = new Uint8Array(8);
  const cases: [string, Uint8Array, RegExp][] = [
    ['an empty file', new Uint8Array(0), /file is 0 bytes, too short/],
    ['a file shorter than the length prefix', good.subarray(0, 5), /too short for the 8-byte header length/],
    ['a header length past the end', good.subarray(0, 20), /runs past the end of the file \(20 bytes\)/],
    ['a huge header length', (() => { const b = good.slice(); b[7] = 1; return b; })(), /exceeds the limit/],
    ['truncated data', good.subarray(0, good.length - 1), /file is truncated: tensors need 8 data bytes, the file holds 7/],
    ['trailing bytes', foreignFile('{"w":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}', new Uint8Array(2)), /trailing bytes/],
    ['a header that is not an object', foreignFile('[1,2]', new Uint8Array(0)), /must be a JSON object starting with/],
    ['invalid JSON', foreignFile('{"w":', new Uint8Array(0)), /not valid JSON/],
    ['invalid UTF-8', foreignFile('{"?":1}', new Uint8Array(0)).map((b) => (b === 0x3f ? 0xff : b)), /header is not valid UTF-8/],
    ['null metadata', foreignFile('{"__metadata__":null}', new Uint8Array(0)), /__metadata__ must be an object of strings/],
    ['a numeric metadata value', foreignFile('{"__metadata__":{"a":1}}', new Uint8Array(0)), /field 'a' must be a string/],
    ['an unknown dtype', foreignFile('{"w":{"dtype":"Q4","shape":[2],"data_offsets":[0,8]}}', data8), /tensor "w" has unknown dtype "Q4"/],
    ['a missing field', foreignFile('{"w":{"dtype":"F32","data_offsets":[0,8]}}', data8), /exactly the fields dtype, shape, data_offsets/],
    ['an extra field', foreignFile('{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8],"x":1}}', data8), /exactly the fields/],
    ['a fractional dimension', foreignFile('{"w":{"dtype":"F32","shape":[1.5],"data_offsets":[0,8]}}', data8), /field shape must be/],
    ['reversed offsets', foreignFile('{"w":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}', data8), /field data_offsets must be/],
    ['a size mismatch', foreignFile('{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}', data8), /spans 8 bytes, but dtype F32 and shape \[3\] need 12/],
    ['a gap', foreignFile('{"w":{"dtype":"U8","shape":[4],"data_offsets":[4,8]}}', data8), /leaves a gap \(expected begin 0\)/],
    ['an overlap', foreignFile('{"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},"b":{"dtype":"U8","shape":[4],"data_offsets":[2,6]}}', data8), /overlaps the previous tensor/],
    ['only the checksum scheme key', foreignFile('{"__metadata__":{"latent_ts.checksum":"crc32"}}', new Uint8Array(0)), /checksum missing/],
    ['only the checksum value key', foreignFile('{"__metadata__":{"latent_ts.crc32":"00000000"}}', new Uint8Array(0)), /but no 'latent_ts.checksum'/],
    ['a malformed checksum', foreignFile('{"__metadata__":{"latent_ts.checksum":"crc32","latent_ts.crc32":"ABCDEF01"}}', new Uint8Array(0)), /8 lowercase hex digits/],
    ['a checksum in a non-canonical form', foreignFile('{"__metadata__":{"latent_ts.checksum":"crc32", "latent_ts.crc32": "00000000"}}', new Uint8Array(0)), /not in the canonical form/],
    ['a wrong checksum', foreignFile('{"__metadata__":{"latent_ts.checksum":"crc32","latent_ts.crc32":"00000000"}}', new Uint8Array(0)), /checksum mismatch/],
  ];

  it.each(cases)('rejects %s with a FormatError naming the source', (_name, bytes, message) => {
    let error: unknown;
    try {
      decodeSafetensors(bytes, 'model.safetensors');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FormatError);
    expect((error as Error).message).toMatch(/^decodeSafetensors: model\.safetensors: /);
    expect((error as Error).message).toMatch(message);
  });

  it("names '<bytes>' when no source is given", () => {
    expect(() => decodeSafetensors(new Uint8Array(3))).toThrow(/decodeSafetensors: <bytes>: /);
  });

  it('detects a flipped data byte by the checksum', () => {
    const bad = good.slice();
    bad[bad.length - 1] ^= 0x01;
    expect(() => decodeSafetensors(bad, 'm')).toThrow(/checksum mismatch/);
  });
});
