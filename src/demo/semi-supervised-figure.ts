/**
 * The semi-supervised picture (`semi-supervised.svg`): test accuracy against labelled digits per
 * class (log scale), one line per method with ±1 sd bars over the seeds, and the all-labels
 * reference as a dashed line.
 *
 * @module
 */
import { PALETTE } from '../viz/palette.js';
import { num, svgDocument, textEl } from '../viz/svg.js';
import { formatTick, niceTicks } from '../viz/ticks.js';
import { methodLabel, type SourceNames } from './semi-supervised-report.js';
import type { SemiSupervisedRow } from './semi-supervised.js';

const WIDTH = 820;
const HEIGHT = 420;
const PLOT = { left: 64, top: 44, width: 380, height: 310 };

/**
 * The figure as an SVG string.
 *
 * @throws RangeError when no row has a labels-per-class value.
 * @example
 * ```ts
 * writeFileSync('semi-supervised.svg', semiSupervisedFigure(rows, names));
 * ```
 */
export function semiSupervisedFigure(rows: readonly SemiSupervisedRow[], names: SourceNames): string {
  const few = rows.filter((r) => r.labelsPerClass !== null);
  if (few.length === 0) throw new RangeError('semiSupervisedFigure: rows must include a labels-per-class value');
  const reference = rows.find((r) => r.labelsPerClass === null);
  const xs = [...new Set(few.map((r) => r.labelsPerClass as number))].sort((a, b) => a - b);
  const lo = Math.log10(xs[0]) - 0.25;
  const hi = Math.log10(xs[xs.length - 1]) + 0.25;
  const sx = (v: number) => PLOT.left + ((Math.log10(v) - lo) / (hi - lo)) * PLOT.width;
  const ys = few.flatMap((r) => [r.mean - r.sd, r.mean + r.sd]).concat(reference === undefined ? [] : [reference.mean]);
  const yt = niceTicks(Math.min(...ys), Math.max(...ys), 6);
  const sy = (v: number) => PLOT.top + PLOT.height - ((v - yt.lo) / (yt.hi - yt.lo)) * PLOT.height;
  const bottom = PLOT.top + PLOT.height;
  const right = PLOT.left + PLOT.width;

  const parts: string[] = [textEl(WIDTH / 2, 24, 'Digits with few labels: test accuracy (mean ± 1 sd over seeds)', 'text-anchor="middle" font-size="15" font-weight="bold"')];
  parts.push('<g stroke="#e5e5e5">');
  for (const v of yt.values) parts.push(`<line x1="${num(PLOT.left)}" y1="${num(sy(v))}" x2="${num(right)}" y2="${num(sy(v))}"/>`);
  parts.push('</g><g stroke="#333">');
  parts.push(`<line x1="${num(PLOT.left)}" y1="${num(bottom)}" x2="${num(right)}" y2="${num(bottom)}"/>`);
  parts.push(`<line x1="${num(PLOT.left)}" y1="${num(PLOT.top)}" x2="${num(PLOT.left)}" y2="${num(bottom)}"/>`);
  for (const x of xs) parts.push(`<line x1="${num(sx(x))}" y1="${num(bottom)}" x2="${num(sx(x))}" y2="${num(bottom + 5)}"/>`);
  for (const v of yt.values) parts.push(`<line x1="${num(PLOT.left - 5)}" y1="${num(sy(v))}" x2="${num(PLOT.left)}" y2="${num(sy(v))}"/>`);
  parts.push('</g><g font-size="11" fill="#333">');
  for (const x of xs) parts.push(textEl(sx(x), bottom + 18, String(x), 'text-anchor="middle"'));
  for (const v of yt.values) parts.push(textEl(PLOT.left - 8, sy(v) + 4, formatTick(v, yt.step), 'text-anchor="end"'));
  parts.push('</g>');
  parts.push(textEl(PLOT.left + PLOT.width / 2, bottom + 40, 'labelled digits per class (log scale)', 'text-anchor="middle"'));
  const cy = PLOT.top + PLOT.height / 2;
  parts.push(textEl(18, cy, 'test accuracy', `text-anchor="middle" transform="rotate(-90 18 ${num(cy)})"`));

  const legend: [string, string, boolean][] = [];
  if (reference !== undefined) {
    const y = num(sy(reference.mean));
    parts.push(`<line x1="${num(PLOT.left)}" y1="${y}" x2="${num(right)}" y2="${y}" stroke="#555" stroke-dasharray="6 4"/>`);
    legend.push(['#555', `${methodLabel(reference.method, names)} (${reference.labelled}): ${reference.mean.toFixed(3)}`, true]);
  }
  const methods = [...new Set(few.map((r) => r.method))];
  methods.forEach((m, i) => {
    const color = PALETTE[i % PALETTE.length];
    // Each method a little to the side of the others, so the bars do not hide each other.
    const dx = (i - (methods.length - 1) / 2) * 5;
    const pts = few.filter((r) => r.method === m).sort((a, b) => (a.labelsPerClass as number) - (b.labelsPerClass as number));
    const at = (r: SemiSupervisedRow) => [sx(r.labelsPerClass as number) + dx, sy(r.mean)] as const;
    parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts.map((r) => at(r).map(num).join(',')).join(' ')}"/>`);
    for (const r of pts) {
      const [x, y] = at(r);
      parts.push(`<line x1="${num(x)}" y1="${num(sy(r.mean - r.sd))}" x2="${num(x)}" y2="${num(sy(r.mean + r.sd))}" stroke="${color}" stroke-width="1.5"/>`);
      parts.push(`<circle cx="${num(x)}" cy="${num(y)}" r="3.5" fill="${color}"/>`);
    }
    legend.push([color, methodLabel(m, names), false]);
  });
  parts.push('<g font-size="12">');
  legend.forEach(([color, text, dashed], i) => {
    const y = PLOT.top + 8 + i * 22;
    const x = right + 24;
    parts.push(dashed
      ? `<line x1="${num(x)}" y1="${num(y)}" x2="${num(x + 22)}" y2="${num(y)}" stroke="${color}" stroke-dasharray="6 4"/>`
      : `<line x1="${num(x)}" y1="${num(y)}" x2="${num(x + 22)}" y2="${num(y)}" stroke="${color}" stroke-width="2"/><circle cx="${num(x + 11)}" cy="${num(y)}" r="3.5" fill="${color}"/>`);
    parts.push(textEl(x + 30, y + 4, text));
  });
  parts.push('</g>');
  return svgDocument(WIDTH, HEIGHT, parts.join(''));
}
