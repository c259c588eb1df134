/**
 * A grid of greyscale images as one PNG file (for `latent-ts sample --out s.png`): the same
 * grey levels as {@link imageGridSvg}'s embedded images, each pixel drawn as a `scale` ×
 * `scale` block, images separated by a mid-grey gap.
 *
 * @module
 */
import { encodeGrayPng } from './png.js';
import { checkBatch, greyLevels, type ImageBatch } from './image-grid.js';

/**
 * Options for {@link imageGridPng}.
 *
 * @example
 * ```ts
 * imageGridPng(samples, { imageShape: [28, 28], columns: 8, scale: 2 });
 * ```
 */
export interface ImageGridPngOptions {
  /** `[height, width]` of one image; their product must equal `shape[1]`. */
  imageShape: readonly [number, number];
  /** Images per row (default: up to 10). */
  columns?: number;
  /** Output pixels per image pixel, an integer (default 2). */
  scale?: number;
  /** Gap between images and around the grid in output pixels (default 2). */
  gap?: number;
  /** Values mapped to black and white (default `[0, 1]`); outside is clamped, NaN is black. */
  valueRange?: readonly [number, number];
}

/** Grey level of the gaps, distinct from both black backgrounds and white strokes. */
const GAP_GREY = 128;

/**
 * The image grid as PNG bytes, `gap + columns·(width·scale + gap)` pixels wide and
 * `gap + rows·(height·scale + gap)` high.
 *
 * @throws ShapeError when the data, shape and imageShape disagree; RangeError for bad options.
 * @example
 * ```ts
 * writeFileSync('samples.png', imageGridPng(vae.sample(64), { imageShape: [28, 28], columns: 8 }));
 * ```
 */
export function imageGridPng(images: ImageBatch, options: ImageGridPngOptions): Uint8Array {
  const where = 'imageGridPng';
  const [n, size] = checkBatch(images, options, where);
  const [h, w] = options.imageShape;
  const columns = Math.min(Math.max(1, n), integer(options.columns, 'columns', where, Math.min(10, Math.max(1, n)), 1));
  const scale = integer(options.scale, 'scale', where, 2, 1);
  const gap = integer(options.gap, 'gap', where, 2, 0);
  const range = options.valueRange ?? [0, 1];
  if (!(Number.isFinite(range[0]) && Number.isFinite(range[1]) && range[1] > range[0])) {
    throw new RangeError(`${where}: valueRange must be two finite numbers [low, high] with low < high (got [${range[0]}, ${range[1]}])`);
  }
  const rows = Math.ceil(n / columns);
  const width = gap + columns * (w * scale + gap);
  const height = gap + rows * (h * scale + gap);
  const out = new Uint8Array(width * height).fill(GAP_GREY);
  const grey = new Uint8Array(size);
  for (let k = 0; k < n; k++) {
    greyLevels(images.data, k * size, size, range, false, grey);
    const x0 = gap + (k % columns) * (w * scale + gap);
    const y0 = gap + Math.floor(k / columns) * (h * scale + gap);
    for (let r = 0; r < h * scale; r++) {
      const src = Math.floor(r / scale) * w;
      const row = (y0 + r) * width + x0;
      for (let c = 0; c < w * scale; c++) out[row + c] = grey[src + Math.floor(c / scale)];
    }
  }
  return encodeGrayPng(width, height, out);
}

function integer(value: unknown, name: string, where: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new RangeError(`${where}: ${name} must be an integer >= ${min} (got ${String(value)})`);
  }
  return value;
}
