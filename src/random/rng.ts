import seedrandom from 'seedrandom';
import { describeValue } from '../errors.js';

/**
 * The serialisable state of an {@link Rng}: seedrandom's ARC4 state plus the cached normal.
 *
 * @example
 * ```ts
 * const saved: RngState = rng.state();
 * const again = Rng.fromState(saved);
 * ```
 */
export interface RngState {
  /** ARC4 pool index i. */
  readonly i: number;
  /** ARC4 pool index j. */
  readonly j: number;
  /** The 256-byte ARC4 permutation. */
  readonly S: number[];
  /** The second normal of the last Box–Muller pair, not yet returned, or null. */
  readonly spareNormal: number | null;
}

interface ArcState { i: number; j: number; S: number[] }
type StatefulPrng = seedrandom.PRNG & { state(): ArcState };

/**
 * A seeded random stream over seedrandom's ARC4 generator. Every source of randomness in
 * latent-ts takes one explicitly; there is no global generator.
 *
 * @example
 * ```ts
 * const rng = new Rng(42);
 * rng.normal();                 // same value on every run
 * const saved = rng.state();
 * const a = rng.uniform();
 * Rng.fromState(saved).uniform() === a; // true
 * ```
 */
export class Rng {
  private readonly prng: StatefulPrng;
  private spare: number | null = null;

  /** @param seed an integer or a string; anything else is a `TypeError`. */
  constructor(seed: number | string) {
    if (!(typeof seed === 'string' || (typeof seed === 'number' && Number.isInteger(seed)))) {
      throw new TypeError(`Rng: seed must be an integer or a string (got ${describeValue(seed)})`);
    }
    this.prng = seedrandom(String(seed), { state: true }) as StatefulPrng;
  }

  /** Rebuilds a generator that continues exactly where `state` was taken. */
  static fromState(state: RngState): Rng {
    // A corrupted state would otherwise resume a silently wrong (non-uniform) stream.
    const isByte = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 255;
    const ok = state !== null && typeof state === 'object' && Array.isArray(state.S) && state.S.length === 256
      && state.S.every(isByte) && isByte(state.i) && isByte(state.j)
      && (state.spareNormal === null || Number.isFinite(state.spareNormal));
    if (!ok) {
      throw new TypeError(
        'Rng.fromState: state must be an object from Rng.state() (i and j in 0..255, S a 256-entry array of bytes, spareNormal a finite number or null)',
      );
    }
    const rng = Object.create(Rng.prototype) as Rng;
    const prng = seedrandom('', { state: { i: state.i, j: state.j, S: state.S.slice() } }) as StatefulPrng;
    Object.defineProperty(rng, 'prng', { value: prng, writable: false });
    (rng as unknown as { spare: number | null }).spare = state.spareNormal;
    return rng;
  }

  /** A snapshot from which {@link Rng.fromState} resumes the identical stream. */
  state(): RngState {
    const s = this.prng.state();
    return { i: s.i, j: s.j, S: s.S.slice(), spareNormal: this.spare };
  }

  /** A uniform double in [low, high) with 53 random bits. */
  uniform(low = 0, high = 1): number {
    return low + (high - low) * this.prng.double();
  }

  /** A normal deviate (Box–Muller; the second value of each pair is cached in the state). */
  normal(mean = 0, std = 1): number {
    if (this.spare !== null) {
      const z = this.spare;
      this.spare = null;
      return mean + std * z;
    }
    // 1 - u keeps the log argument in (0, 1], so no -Infinity.
    const u1 = 1 - this.prng.double();
    const u2 = this.prng.double();
    const r = Math.sqrt(-2 * Math.log(u1));
    const theta = 2 * Math.PI * u2;
    this.spare = r * Math.sin(theta);
    return mean + std * r * Math.cos(theta);
  }

  /** A uniform integer in [low, high). */
  int(low: number, high: number): number {
    if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low) {
      throw new RangeError(`Rng.int: need integers low < high (got low=${low}, high=${high})`);
    }
    return low + Math.floor(this.prng.double() * (high - low));
  }

  /** Shuffles `array` in place (Fisher–Yates) and returns it. */
  shuffle<T extends { length: number; [i: number]: unknown }>(array: T): T {
    for (let i = array.length - 1; i > 0; i--) {
      const j = Math.floor(this.prng.double() * (i + 1));
      const t = array[i];
      array[i] = array[j];
      array[j] = t;
    }
    return array;
  }

  /** A fresh permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffle(p);
  }

  /** Fills `out` with normal deviates. */
  fillNormal(out: Float32Array | Float64Array, mean = 0, std = 1): Float32Array | Float64Array {
    for (let i = 0; i < out.length; i++) out[i] = this.normal(mean, std);
    return out;
  }

  /** Fills `out` with uniform deviates in [low, high). */
  fillUniform(out: Float32Array | Float64Array, low = 0, high = 1): Float32Array | Float64Array {
    for (let i = 0; i < out.length; i++) out[i] = this.uniform(low, high);
    return out;
  }

  /**
   * Fills `out` with standard Gumbel deviates g = −log(−log u), u uniform in (0, 1) (an exact 0
   * is drawn again, so every g is finite): the noise of the Gumbel-max trick and of the
   * Gumbel-softmax relaxation (Jang et al. 2016).
   */
  fillGumbel(out: Float32Array | Float64Array): Float32Array | Float64Array {
    for (let i = 0; i < out.length; i++) {
      let u = this.prng.double();
      while (u === 0) u = this.prng.double();
      out[i] = -Math.log(-Math.log(u));
    }
    return out;
  }

  /** Derives an independent child stream (for example one per model component). */
  fork(label: string): Rng {
    return new Rng(`${this.prng.int32()}:${label}`);
  }
}
