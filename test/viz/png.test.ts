import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { base64, encodeGrayPng } from '../../src/viz/png.js';
import { decodeGrayPng } from '../helpers/png-decode.js';

describe('encodeGrayPng', () => {
  it('writes PNGs that an independent zlib reads back exactly', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 40 }), fc.nat(), (w, h, seed) => {
        const pixels = new Uint8Array(w * h).map((_, i) => (i * 97 + seed) & 0xff);
        expect(decodeGrayPng(encodeGrayPng(w, h, pixels))).toEqual({ width: w, height: h, pixels });
      }),
      { numRuns: 100, seed: 11 },
    );
  });

  it('splits data over several stored blocks past 65535 bytes', () => {
    const pixels = new Uint8Array(400 * 400).map((_, i) => i % 251);
    expect(decodeGrayPng(encodeGrayPng(400, 400, pixels)).pixels).toEqual(pixels);
  });

  it('rejects bad sizes', () => {
    expect(() => encodeGrayPng(0, 1, new Uint8Array(0))).toThrow(RangeError);
    expect(() => encodeGrayPng(2, 2, new Uint8Array(3))).toThrow(/needs 4 pixels \(got 3\)/);
  });
});

describe('base64', () => {
  it('matches Node for any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        expect(base64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
      }),
      { numRuns: 200, seed: 12 },
    );
  });
});
