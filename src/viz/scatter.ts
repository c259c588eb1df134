/**
 * Scatter plot of 2-D codes coloured by label, with axes, ticks and a legend.
 *
 * @module
 */
import { ShapeError } from '../errors.js';
import { PALETTE, colorFor } from './palette.js';
import { num, positive, svgDocument, textEl } from './svg.js';
import { formatTick, niceTicks } from './ticks.js';

/**
 * The points of {@link scatterSvg}: coordinates and an optional label per point.
 *
 * @example
 * ```ts
 * scatterSvg({ x: [0, 1, 2], y: [2, 0, 1], labels: [0, 1, 1] });
 * ```
 */
export interface ScatterPoints {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** Class of each point (colours and legend). Omit for one colour and no legend. */
  labels?: ArrayLike<number>;
}

/**
 * Options for {@link scatterSvg}.
 *
 * @example
 * ```ts
 * scatterSvg(points, { title: 'VAE', xLabel: 'z1', yLabel: 'z2', width: 480, height: 400 });
 * ```
 */
export interface ScatterOptions {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  /** Pixels (default 640 × 480). */
  width?: number;
  height?: number;
  /** Point radius in pixels (default 2). */
  pointRadius?: number;
  /** Legend text per label value, e.g. class names (default: the label value). */
  labelNames?: Readonly<Record<number, string>>;
}

const MARGIN = { top: 36, right: 96, bottom: 48, left: 64 };

/**
 * An SVG scatter plot as a string. Points are drawn in the order given (so shuffled data shows
 * no class on top), coloured by label from the ten Tableau 10 colours; non-finite points are left out and
 * counted in a note under the plot.
 *
 * @throws ShapeError when `x`, `y` and `labels` differ in length.
 * @example
 * ```ts
 * const Z = pca.transform(test);          // [n, 2]
 * const x = Z.data.filter((_, i) => i % 2 === 0), y = Z.data.filter((_, i) => i % 2 === 1);
 * writeFileSync('pca.svg', scatterSvg({ x, y, labels: test.labels }, { title: 'PCA', xLabel: 'z1', yLabel: 'z2' }));
 * ```
 */
export function scatterSvg(points: ScatterPoints, options: ScatterOptions = {}): string {
  const { x, y, labels } = points;
  if (x?.length !== y?.length || (labels !== undefined && labels.length !== x.length)) {
    throw new ShapeError(`scatterSvg: x, y and labels must have one entry per point (got ${x?.length}, ${y?.length}, ${labels?.length ?? 'no labels'})`);
  }
  const width = positive(options.width, 'width', 'scatterSvg', 640);
  const height = positive(options.height, 'height', 'scatterSvg', 480);
  const radius = positive(options.pointRadius, 'pointRadius', 'scatterSvg', 2);
  const finite = (i: number) => Number.isFinite(x[i]) && Number.isFinite(y[i]);
  let [xMin, xMax, yMin, yMax, skipped] = [Infinity, -Infinity, Infinity, -Infinity, 0];
  for (let i = 0; i < x.length; i++) {
    if (!finite(i)) {
      skipped++;
      continue;
    }
    xMin = Math.min(xMin, x[i]);
    xMax = Math.max(xMax, x[i]);
    yMin = Math.min(yMin, y[i]);
    yMax = Math.max(yMax, y[i]);
  }
  if (xMin > xMax) [xMin, xMax, yMin, yMax] = [0, 1, 0, 1];
  const plotW = Math.max(1, width - MARGIN.left - MARGIN.right);
  const plotH = Math.max(1, height - MARGIN.top - MARGIN.bottom);
  const xt = niceTicks(xMin, xMax, Math.max(2, Math.round(plotW / 80)));
  const yt = niceTicks(yMin, yMax, Math.max(2, Math.round(plotH / 60)));
  const sx = (v: number) => MARGIN.left + ((v - xt.lo) / (xt.hi - xt.lo)) * plotW;
  const sy = (v: number) => MARGIN.top + plotH - ((v - yt.lo) / (yt.hi - yt.lo)) * plotH;

  const parts: string[] = [];
  if (options.title) parts.push(textEl(width / 2, 22, options.title, 'text-anchor="middle" font-size="15" font-weight="bold"'));
  parts.push(axes(xt, yt, sx, sy, plotW, plotH));
  if (options.xLabel) parts.push(textEl(MARGIN.left + plotW / 2, MARGIN.top + plotH + 38, options.xLabel, 'text-anchor="middle"'));
  if (options.yLabel) {
    const cy = MARGIN.top + plotH / 2;
    parts.push(textEl(18, cy, options.yLabel, `text-anchor="middle" transform="rotate(-90 18 ${num(cy)})"`));
  }
  const r = num(radius);
  parts.push('<g fill-opacity="0.7">');
  for (let i = 0; i < x.length; i++) {
    if (!finite(i)) continue;
    const cls = labels === undefined ? '' : ` class="c${classIndex(labels[i])}"`;
    parts.push(`<circle cx="${num(sx(x[i]))}" cy="${num(sy(y[i]))}" r="${r}"${cls}/>`);
  }
  parts.push('</g>');
  if (labels !== undefined) parts.push(legend(labels, options.labelNames ?? {}, MARGIN.left + plotW + 16, MARGIN.top));
  if (skipped > 0) {
    parts.push(textEl(MARGIN.left, height - 6, `${skipped} non-finite point${skipped === 1 ? '' : 's'} not shown`, 'font-size="10" fill="#b00"'));
  }
  const style = `circle{fill:${PALETTE[0]}}` + PALETTE.map((c, i) => `.c${i}{fill:${c}}`).join('');
  return svgDocument(width, height, parts.join(''), style);
}

function classIndex(label: number): number {
  return PALETTE.indexOf(colorFor(label));
}

function axes(
  xt: ReturnType<typeof niceTicks>, yt: ReturnType<typeof niceTicks>,
  sx: (v: number) => number, sy: (v: number) => number, plotW: number, plotH: number,
): string {
  const left = MARGIN.left;
  const bottom = MARGIN.top + plotH;
  const out: string[] = ['<g stroke="#e5e5e5">'];
  for (const v of xt.values) out.push(`<line x1="${num(sx(v))}" y1="${num(MARGIN.top)}" x2="${num(sx(v))}" y2="${num(bottom)}"/>`);
  for (const v of yt.values) out.push(`<line x1="${num(left)}" y1="${num(sy(v))}" x2="${num(left + plotW)}" y2="${num(sy(v))}"/>`);
  out.push('</g><g stroke="#333">');
  out.push(`<line x1="${num(left)}" y1="${num(bottom)}" x2="${num(left + plotW)}" y2="${num(bottom)}"/>`);
  out.push(`<line x1="${num(left)}" y1="${num(MARGIN.top)}" x2="${num(left)}" y2="${num(bottom)}"/>`);
  for (const v of xt.values) out.push(`<line x1="${num(sx(v))}" y1="${num(bottom)}" x2="${num(sx(v))}" y2="${num(bottom + 5)}"/>`);
  for (const v of yt.values) out.push(`<line x1="${num(left - 5)}" y1="${num(sy(v))}" x2="${num(left)}" y2="${num(sy(v))}"/>`);
  out.push('</g><g font-size="11" fill="#333">');
  for (const v of xt.values) out.push(textEl(sx(v), bottom + 18, formatTick(v, xt.step), 'text-anchor="middle"'));
  for (const v of yt.values) out.push(textEl(left - 8, sy(v) + 4, formatTick(v, yt.step), 'text-anchor="end"'));
  out.push('</g>');
  return out.join('');
}

function legend(labels: ArrayLike<number>, names: Readonly<Record<number, string>>, x: number, y: number): string {
  const unique = Array.from(new Set(Array.from(labels))).sort((a, b) => a - b);
  const shown = unique.slice(0, 20);
  const out = ['<g font-size="12">'];
  shown.forEach((label, i) => {
    const cy = y + 8 + i * 18;
    out.push(`<circle cx="${num(x + 5)}" cy="${num(cy)}" r="5" class="c${classIndex(label)}"/>`);
    out.push(textEl(x + 16, cy + 4, names[label] ?? String(label)));
  });
  if (unique.length > shown.length) out.push(textEl(x, y + 8 + shown.length * 18 + 4, `+${unique.length - shown.length} more`));
  out.push('</g>');
  return out.join('');
}
