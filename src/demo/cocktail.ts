/**
 * The demo's "cocktail party": three synthetic voices mixed into three microphones, unmixed by
 * FastICA, drawn as traces, with how well each voice came back.
 *
 * @module
 */
import { FastICA } from '../models/decomposition/fast-ica.js';
import { num, svgDocument, textEl } from '../viz/svg.js';

/**
 * What {@link cocktailParty} returns: the figure and, per source, |correlation| with the
 * unmixed signal matched to it (1 = recovered up to order, sign and scale).
 *
 * @example
 * ```ts
 * const { svg, recovery } = cocktailParty(0);
 * ```
 */
export interface CocktailParty {
  svg: string;
  recovery: number[];
}

const SAMPLES = 2000;
const NAMES = ['sine', 'square', 'sawtooth'];
// A fixed, well-conditioned mixing: each microphone hears all three voices.
const MIXING = [[1, 1, 1], [0.5, 2, 1], [1.5, 1, 2]];

/** The three sources at time t = i / SAMPLES (8 s of "audio"): s[k][i]. */
function sources(): Float64Array[] {
  const s = NAMES.map(() => new Float64Array(SAMPLES));
  for (let i = 0; i < SAMPLES; i++) {
    const t = (8 * i) / SAMPLES;
    s[0][i] = Math.sin(6 * t);
    s[1][i] = Math.sign(Math.sin(9 * t));
    s[2][i] = 2 * ((t * 3.7) % 1) - 1;
  }
  return s;
}

function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) { ma += a[i]; mb += b[i]; }
  ma /= n; mb /= n;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i] - ma;
    const y = b[i] - mb;
    ab += x * y; aa += x * x; bb += y * y;
  }
  return ab / Math.sqrt(aa * bb);
}

/**
 * Mixes the three sources, unmixes them with `FastICA({ nComponents: 3, seed })`, and draws
 * sources, microphones and unmixed signals side by side (unmixed rows reordered and sign-flipped
 * to face their source: ICA recovers sources only up to order, sign and scale).
 *
 * @example
 * ```ts
 * cocktailParty(0).recovery; // three values near 1
 * ```
 */
export function cocktailParty(seed: number): CocktailParty {
  const s = sources();
  const X = new Float64Array(SAMPLES * 3);
  for (let i = 0; i < SAMPLES; i++) {
    for (let m = 0; m < 3; m++) X[i * 3 + m] = MIXING[m][0] * s[0][i] + MIXING[m][1] * s[1][i] + MIXING[m][2] * s[2][i];
  }
  const ica = new FastICA({ nComponents: 3, seed, maxIter: 500 });
  const S = ica.fit({ data: X, shape: [SAMPLES, 3] }).transform({ data: X, shape: [SAMPLES, 3] }).data;
  const column = (data: ArrayLike<number>, j: number) => Float64Array.from({ length: SAMPLES }, (_, i) => data[i * 3 + j]);
  const unmixed = [0, 1, 2].map((j) => column(S, j));
  const microphones = [0, 1, 2].map((j) => column(X, j));
  const matched: Float64Array[] = [];
  const recovery: number[] = [];
  const free = new Set([0, 1, 2]);
  for (const src of s) {
    let best = -1;
    let bestR = 0;
    for (const j of free) {
      const r = correlation(src, unmixed[j]);
      if (Math.abs(r) > Math.abs(bestR) || best < 0) { best = j; bestR = r; }
    }
    free.delete(best);
    matched.push(bestR < 0 ? unmixed[best].map((v) => -v) : unmixed[best]);
    recovery.push(Math.abs(bestR));
  }
  const columns = [
    { title: 'Voices (sources)', rows: s, labels: NAMES },
    { title: 'Microphones (mixtures)', rows: microphones, labels: ['mic 1', 'mic 2', 'mic 3'] },
    { title: 'FastICA unmixed', rows: matched, labels: recovery.map((r) => `|r| = ${r.toFixed(4)}`) },
  ];
  return { svg: tracesSvg(columns, 'Cocktail party: FastICA unmixes three mixed voices'), recovery };
}

/** Columns of stacked traces, each trace scaled to its own range. */
function tracesSvg(columns: { title: string; rows: ArrayLike<number>[]; labels: string[] }[], title: string): string {
  const w = 260;
  const h = 70;
  const gap = 20;
  const top = 50;
  const shown = 600; // the first 600 samples: a few periods of each voice
  let body = textEl((columns.length * (w + gap)) / 2, 22, title, 'text-anchor="middle" font-size="15" font-weight="bold"');
  columns.forEach((col, c) => {
    const x0 = gap / 2 + c * (w + gap);
    body += textEl(x0 + w / 2, top - 10, col.title, 'text-anchor="middle" font-weight="bold"');
    col.rows.forEach((row, r) => {
      const y0 = top + r * (h + gap);
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = 0; i < shown; i++) { lo = Math.min(lo, row[i]); hi = Math.max(hi, row[i]); }
      const span = hi > lo ? hi - lo : 1;
      const points: string[] = [];
      for (let i = 0; i < shown; i++) points.push(`${num(x0 + (i / (shown - 1)) * w)},${num(y0 + h - ((row[i] - lo) / span) * h)}`);
      body += `<rect x="${num(x0)}" y="${num(y0)}" width="${w}" height="${h}" fill="none" stroke="#dddddd"/>`;
      body += `<polyline fill="none" stroke="#1f77b4" stroke-width="1.2" points="${points.join(' ')}"/>`;
      body += textEl(x0 + 4, y0 + h + 13, col.labels[r], 'font-size="11" fill="#555555"');
    });
  });
  return svgDocument(columns.length * (w + gap), top + 3 * (h + gap) + 10, body);
}
