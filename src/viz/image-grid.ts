/**
 * A grid of greyscale images (samples, reconstructions, a decoded latent plane) as SVG, each
 * image an embedded PNG drawn with crisp pixels.
 *
 * @module
 */
import { ShapeError } from '../errors.js';
import { base64, encodeGrayPng } from './png.js';
import { escapeXml, num, positive, svgDocument, textEl } from './svg.js';

/**
 * Images as rows of a matrix: `shape` is `[nImages, height * width]`.
 *
 * @example
 * ```ts
 * imageGridSvg({ data: new Float32Array(4 * 784), shape: [4, 784] }, { imageShape: [28, 28] });
 * ```
 */
export interface ImageBatch {
  data: ArrayLike<number>;
  shape: readonly [number, number] | readonly number[];
}

/**
 * Options for {@link imageGridSvg}.
 *
 * @example
 * ```ts
 * imageGridSvg(samples, { imageShape: [28, 28], columns: 8, scale: 2, captions });
 * ```
 */
export interface ImageGridOptions {
  /** `[height, width]` of one image; their product must equal `shape[1]`. */
  imageShape: readonly [number, number];
  /** Images per row (default: up to 10). */
  columns?: number;
  title?: string;
  /** A caption under each image (same length as the batch). */
  captions?: readonly string[];
  /** Screen pixels per image pixel (default 3). */
  scale?: number;
  /** Gap between images in screen pixels (default 4). */
  gap?: number;
  /** Values mapped to black and white (default `[0, 1]`); outside is clamped, NaN is black. */
  valueRange?: readonly [number, number];
  /** Draw 1 as black on white instead of white on black (default false). */
  invert?: boolean;
}

/**
 * An SVG grid of greyscale images as a string. Each image becomes a small PNG in a data URI
 * (no external files), rendered with `image-rendering: pixelated`.
 *
 * @throws ShapeError when the data, shape and imageShape disagree or captions are miscounted.
 * @example
 * ```ts
 * const samples = vae.sample(64);                       // [64, 784]
 * writeFileSync('samples.svg', imageGridSvg(samples, { imageShape: [28, 28], columns: 8, title: 'VAE samples' }));
 * ```
 */
export function imageGridSvg(images: ImageBatch, options: ImageGridOptions): string {
  const where = 'imageGridSvg';
  const [n, size] = checkBatch(images, options, where);
  const [h, w] = options.imageShape;
  const columns = Math.min(Math.max(1, n), positiveInt(options.columns, 'columns', where, Math.min(10, Math.max(1, n))));
  const scale = positive(options.scale, 'scale', where, 3);
  const gap = options.gap ?? 4;
  if (typeof gap !== 'number' || !Number.isFinite(gap) || gap < 0) {
    throw new RangeError(`${where}: gap must be a finite number >= 0 (got ${String(gap)})`);
  }
  const [lo, hi] = options.valueRange ?? [0, 1];
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && hi > lo)) {
    throw new RangeError(`${where}: valueRange must be two finite numbers [low, high] with low < high (got [${lo}, ${hi}])`);
  }
  const captions = options.captions;
  const titleBand = options.title ? 30 : 0;
  const captionBand = captions ? 16 : 0;
  const cellW = w * scale;
  const cellH = h * scale;
  const rows = Math.ceil(n / columns);
  const width = gap + columns * (cellW + gap);
  const height = titleBand + gap + rows * (cellH + captionBand + gap);
  const parts: string[] = [];
  if (options.title) parts.push(textEl(width / 2, 20, options.title, 'text-anchor="middle" font-size="15" font-weight="bold"'));
  const grey = new Uint8Array(size);
  for (let k = 0; k < n; k++) {
    greyLevels(images.data, k * size, size, [lo, hi], options.invert === true, grey);
    const x = gap + (k % columns) * (cellW + gap);
    const y = titleBand + gap + Math.floor(k / columns) * (cellH + captionBand + gap);
    const uri = `data:image/png;base64,${base64(encodeGrayPng(w, h, grey))}`;
    parts.push(`<image x="${num(x)}" y="${num(y)}" width="${num(cellW)}" height="${num(cellH)}" preserveAspectRatio="none" href="${escapeXml(uri)}"/>`);
    if (captions) parts.push(textEl(x + cellW / 2, y + cellH + 12, captions[k], 'text-anchor="middle" font-size="11"'));
  }
  return svgDocument(width, height, parts.join(''), 'image{image-rendering:pixelated;image-rendering:crisp-edges}');
}

/**
 * Grey levels 0..255 of `size` values from `data[start]` into `out`: `range[0]` and below is
 * black, `range[1]` and above white, NaN black; reversed when `invert`.
 *
 * @example
 * ```ts
 * greyLevels([0, 0.5, 1], 0, 3, [0, 1], false, new Uint8Array(3)); // [0, 128, 255]
 * ```
 */
export function greyLevels(data: ArrayLike<number>, start: number, size: number, range: readonly [number, number], invert: boolean, out: Uint8Array): Uint8Array {
  const [lo, hi] = range;
  for (let p = 0; p < size; p++) {
    const t = (data[start + p] - lo) / (hi - lo);
    const v = t >= 1 ? 255 : t > 0 ? Math.round(t * 255) : 0; // NaN falls through to 0
    out[p] = invert ? 255 - v : v;
  }
  return out;
}

/**
 * Checks an image batch against its options and returns `[nImages, pixelsPerImage]`.
 *
 * @throws ShapeError naming `where` when the data, shape, imageShape or captions disagree.
 * @example
 * ```ts
 * checkBatch({ data: new Float32Array(2 * 784), shape: [2, 784] }, { imageShape: [28, 28] }, 'imageGridPng'); // [2, 784]
 * ```
 */
export function checkBatch(images: ImageBatch, options: ImageGridOptions, where: string): [number, number] {
  const shape = images?.shape;
  if (!Array.isArray(shape) || shape.length !== 2 || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new ShapeError(`${where}: images.shape must be [nImages, height * width] (got ${JSON.stringify(shape)})`);
  }
  const [n, size] = shape as [number, number];
  if (images.data?.length !== n * size) {
    throw new ShapeError(`${where}: images.data has ${images.data?.length} values, but shape [${n}, ${size}] needs ${n * size}`);
  }
  const imageShape = options?.imageShape;
  if (!Array.isArray(imageShape) || imageShape.length !== 2 || !imageShape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new ShapeError(`${where}: imageShape must be [height, width] of positive integers (got ${JSON.stringify(imageShape)})`);
  }
  if (imageShape[0] * imageShape[1] !== size) {
    throw new ShapeError(`${where}: imageShape [${imageShape.join(', ')}] has ${imageShape[0] * imageShape[1]} pixels, but each image has ${size}`);
  }
  if (options.captions !== undefined && options.captions.length !== n) {
    throw new ShapeError(`${where}: captions has ${options.captions.length} entries, but there are ${n} images`);
  }
  return [n, size];
}

function positiveInt(value: unknown, name: string, where: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new RangeError(`${where}: ${name} must be an integer >= 1 (got ${String(value)})`);
  }
  return value;
}
