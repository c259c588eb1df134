/**
 * Population count and Hamming distance on packed 32-bit words.
 *
 * @module
 */

/**
 * Number of set bits in the low 32 bits of `x` (the SWAR bit-twiddling count).
 *
 * @example
 * ```ts
 * popcount32(0b1011); // 3
 * ```
 */
export function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/**
 * Hamming distance between the `nWords`-word codes at `a[aOffset]` and `b[bOffset]`.
 *
 * @example
 * ```ts
 * hammingDistance(new Uint32Array([0b1100]), 0, new Uint32Array([0b1010]), 0, 1); // 2
 * ```
 */
export function hammingDistance(a: Uint32Array, aOffset: number, b: Uint32Array, bOffset: number, nWords: number): number {
  let d = 0;
  for (let w = 0; w < nWords; w++) d += popcount32(a[aOffset + w] ^ b[bOffset + w]);
  return d;
}
