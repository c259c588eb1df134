/**
 * The demo's pictures as SVG strings: the three 2-D code scatters side by side, image grids of
 * samples and reconstructions, and the decoded latent plane.
 *
 * @module
 */
import { imageGridSvg } from '../viz/image-grid.js';
import { scatterSvg, type ScatterPoints } from '../viz/scatter.js';
import { sideBySideSvg } from '../viz/side-by-side.js';
import type { Matrix } from '../app/matrix.js';

/** The panel titles of the code figure, as in the lecture's figure plus the VAE. */
export const CODE_TITLES = ['[A] PCA (linear autoencoder)', '[B] Deep autoencoder (layer-wise pre-trained)', 'VAE (posterior means)'] as const;

/** Share of the deep autoencoder's test codes the zoomed panel keeps: those nearest the origin. */
export const ZOOM_SHARE = 0.75;

/**
 * The zoomed panel's title: how many of the digits it shows and the square it shows.
 *
 * @example
 * ```ts
 * zoomTitle(1500, 2000, 8.3); // '[B] centre: 1500 of 2000 digits, |z₁|, |z₂| ≤ 8.3'
 * ```
 */
export function zoomTitle(kept: number, n: number, half: number): string {
  return `[B] centre: ${kept} of ${n} digits, |z₁|, |z₂| ≤ ${Number(half.toPrecision(2))}`;
}

/**
 * Scatters of 2-D test codes (PCA, Autoencoder, VAE) coloured by digit, side by side, with the
 * Autoencoder's codes a second time, zoomed on the square round the origin that holds
 * {@link ZOOM_SHARE} of them: its ReLU code layer spreads the digits along arms of very different
 * lengths, so at the scale of the longest arms the shorter ones crowd the centre.
 *
 * @example
 * ```ts
 * writeFileSync('codes-2d.svg', codesFigure([pcaZ, aeZ, vaeZ], test.labels));
 * ```
 */
export function codesFigure(codes: readonly [Matrix, Matrix, Matrix], labels: ArrayLike<number>): string {
  const columns = codes.map((z) => {
    if (z.shape[1] !== 2) throw new RangeError(`codesFigure: codes must be [n, 2] (got [${z.shape.join(', ')}])`);
    const n = z.shape[0];
    const x = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      x[i] = z.data[2 * i];
      y[i] = z.data[2 * i + 1];
    }
    return { x, y, labels };
  });
  const zoom = centre(columns[1], ZOOM_SHARE);
  const scatter = (p: ScatterPoints) => scatterSvg(p, { xLabel: 'z₁', yLabel: 'z₂', width: 440, height: 400, pointRadius: 1.6 });
  const n = codes[0].shape[0];
  return sideBySideSvg([scatter(columns[0]), scatter(columns[1]), scatter(zoom.points), scatter(columns[2])], {
    titles: [CODE_TITLES[0], CODE_TITLES[1], zoomTitle(zoom.points.x.length, codes[1].shape[0], zoom.half), CODE_TITLES[2]],
    title: `2-D codes of ${n} test digits, coloured by digit`,
  });
}

/** The points inside the smallest square round the origin that holds `share` of the finite ones. */
function centre(p: { x: Float64Array; y: Float64Array; labels: ArrayLike<number> }, share: number): { points: ScatterPoints; half: number } {
  const radius: number[] = [];
  for (let i = 0; i < p.x.length; i++) {
    const r = Math.max(Math.abs(p.x[i]), Math.abs(p.y[i]));
    if (Number.isFinite(r)) radius.push(r);
  }
  radius.sort((a, b) => a - b);
  const half = radius.length === 0 ? 0 : radius[Math.max(0, Math.ceil(share * radius.length) - 1)];
  const x: number[] = [];
  const y: number[] = [];
  const labels: number[] = [];
  for (let i = 0; i < p.x.length; i++) {
    if (Math.max(Math.abs(p.x[i]), Math.abs(p.y[i])) > half) continue;
    x.push(p.x[i]);
    y.push(p.y[i]);
    labels.push(p.labels[i]);
  }
  return { points: { x, y, labels }, half };
}

/**
 * A grid of images (rows of `images`), `columns` per row.
 *
 * @example
 * ```ts
 * imagesFigure(vae.sample(64), [28, 28], 8, 'VAE-16 samples');
 * ```
 */
export function imagesFigure(images: Matrix, imageShape: [number, number], columns: number, title: string): string {
  return imageGridSvg(images, { imageShape, columns, title, scale: 3 });
}

/**
 * Originals beside their reconstructions by several models, one panel each.
 *
 * @example
 * ```ts
 * reconstructionsFigure(originals, [['PCA-16', pcaRec], ['VAE-16', vaeRec]], [28, 28]);
 * ```
 */
export function reconstructionsFigure(
  originals: Matrix,
  reconstructions: readonly (readonly [string, Matrix])[],
  imageShape: [number, number],
): string {
  const columns = Math.min(4, originals.shape[0]);
  const grid = (m: Matrix) => imageGridSvg(m, { imageShape, columns, scale: 2 });
  return sideBySideSvg([grid(originals), ...reconstructions.map(([, m]) => grid(m))], {
    titles: ['Test digits', ...reconstructions.map(([name]) => name)],
    title: 'Reconstructions',
  });
}

/**
 * The decoded grid over a 2-D latent plane (a `side × side` grid of images, no gaps).
 *
 * @example
 * ```ts
 * manifoldFigure(vae2.decode(latentGrid(20)), 20, [28, 28]);
 * ```
 */
export function manifoldFigure(decoded: Matrix, side: number, imageShape: [number, number], title: string): string {
  return imageGridSvg(decoded, { imageShape, columns: side, gap: 0, scale: 2, title });
}

/**
 * PCA's components beside NMF's parts, one image per component, each on its own scale (its
 * largest magnitude is white). PCA's are signed directions (grey = 0, black negative); NMF's are
 * non-negative (black = 0): the lecture's "parts versus global patterns".
 *
 * @example
 * ```ts
 * partsFigure(asMatrix(pca.components), asMatrix(nmf.components), [28, 28]);
 * ```
 */
export function partsFigure(pcaComponents: Matrix, nmfComponents: Matrix, imageShape: [number, number]): string {
  const columns = 4;
  const pca = imageGridSvg(perRowScaled(pcaComponents), { imageShape, columns, scale: 2, valueRange: [-1, 1] });
  const nmf = imageGridSvg(perRowScaled(nmfComponents), { imageShape, columns, scale: 2, valueRange: [0, 1] });
  return sideBySideSvg([pca, nmf], {
    titles: [`PCA-${pcaComponents.shape[0]} components (grey = 0)`, `NMF-${nmfComponents.shape[0]} parts (all ≥ 0)`],
    title: 'Global patterns against parts',
  });
}

/** Each row divided by its largest magnitude (for display: a faint part is still visible). */
function perRowScaled(m: Matrix): Matrix {
  const [rows, cols] = m.shape;
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    let peak = 0;
    for (let j = 0; j < cols; j++) peak = Math.max(peak, Math.abs(m.data[i * cols + j]));
    const scale = peak > 0 ? 1 / peak : 0;
    for (let j = 0; j < cols; j++) out[i * cols + j] = m.data[i * cols + j] * scale;
  }
  return { data: out, shape: [rows, cols] };
}
