/**
 * Distances in units in the last place. The float32 bit pattern read as an int32 is monotone
 * in the value for non-negative floats; negatives are mapped to −(bits & 0x7fffffff) so that
 * the whole line is monotone and +0 and −0 coincide.
 */
const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);
const f64 = new Float64Array(1);
const i64 = new BigInt64Array(f64.buffer);

/** The monotone integer key of fround(x). */
export function orderedBits32(x: number): number {
  f32[0] = x;
  const b = i32[0];
  return b < 0 ? -(b & 0x7fffffff) : b;
}

/**
 * |key(a) − key(b)| for the float32 roundings of a and b: 0 for equal values (and for ±0),
 * 1 for neighbours. Two NaNs are 0 apart; a NaN and a number are Infinity apart.
 */
export function ulpDiff32(a: number, b: number): number {
  const an = a !== a;
  const bn = b !== b;
  if (an || bn) return an && bn ? 0 : Infinity;
  return Math.abs(orderedBits32(a) - orderedBits32(b));
}

function orderedBits64(x: number): bigint {
  f64[0] = x;
  const b = i64[0];
  return b < 0n ? -(b & 0x7fffffffffffffffn) : b;
}

/** The same distance for doubles (returned as a number; exact up to 2⁵³). */
export function ulpDiff64(a: number, b: number): number {
  const an = a !== a;
  const bn = b !== b;
  if (an || bn) return an && bn ? 0 : Infinity;
  const d = orderedBits64(a) - orderedBits64(b);
  return Number(d < 0n ? -d : d);
}

/** The spacing of float32 numbers at |x| (the ulp of fround(x)); Infinity for non-finite x. */
export function ulp32(x: number): number {
  const v = Math.abs(Math.fround(x));
  if (!Number.isFinite(v)) return Infinity;
  f32[0] = v;
  i32[0] += 1;
  const up = f32[0];
  if (Number.isFinite(up)) return up - v;
  f32[0] = v;
  i32[0] -= 1; // at the largest float32 the spacing below is the same
  return v - f32[0];
}

/** u32 = 2⁻²⁴ and u64 = 2⁻⁵³, the unit roundoffs. */
export const U32 = 2 ** -24;
export const U64 = 2 ** -53;
