import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { adler32, crc32 } from '../../src/io/crc32.js';

const ascii = (s: string) => new TextEncoder().encode(s);

describe('crc32', () => {
  it('matches the standard check values', () => {
    expect(crc32(ascii('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    expect(crc32(ascii('The quick brown fox jumps over the lazy dog'))).toBe(0x414fa339);
  });

  it('continues across chunks and ranges', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(), (bytes, cut) => {
        const k = bytes.length === 0 ? 0 : cut % (bytes.length + 1);
        const whole = crc32(bytes);
        expect(crc32(bytes.subarray(k), crc32(bytes.subarray(0, k)))).toBe(whole);
        expect(crc32(bytes, crc32(bytes, 0, 0, k), k)).toBe(whole);
      }),
    );
  });
});

describe('adler32', () => {
  it('matches the standard check values', () => {
    expect(adler32(ascii('Wikipedia'))).toBe(0x11e60398);
    expect(adler32(new Uint8Array(0))).toBe(1);
  });

  it('agrees with the definition on long runs of 0xff (the overflow case)', () => {
    const bytes = new Uint8Array(100_000).fill(0xff);
    let a = 1;
    let b = 0;
    for (const v of bytes) {
      a = (a + v) % 65521;
      b = (b + a) % 65521;
    }
    expect(adler32(bytes)).toBe(((b << 16) | a) >>> 0);
  });
});
