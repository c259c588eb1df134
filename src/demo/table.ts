/**
 * The metrics table printed at the end of the demo.
 *
 * @module
 */
import type { ModelMetrics } from './evaluate.js';

interface Column {
  title: string;
  value: (r: ModelMetrics) => number | string | null;
  digits?: number;
}

const COLUMNS: Column[] = [
  { title: 'model', value: (r) => r.name },
  { title: 'fit s', value: (r) => r.fitSeconds, digits: 1 },
  { title: 'expl.var', value: (r) => r.explainedVarianceRatio, digits: 3 },
  { title: 'MSE/pixel', value: (r) => r.reconstructionMse, digits: 4 },
  { title: '5-NN acc', value: (r) => r.knnAccuracy, digits: 3 },
  { title: 'P@100', value: (r) => r.precisionAt100, digits: 3 },
  { title: 'ELBO', value: (r) => r.elbo, digits: 1 },
  { title: 'recon', value: (r) => r.reconstructionNats, digits: 1 },
  { title: 'KL', value: (r) => r.klNats, digits: 1 },
  { title: 'ln p(x)', value: (r) => r.logLikelihood, digits: 1 },
];

function cell(c: Column, r: ModelMetrics): string {
  const v = c.value(r);
  if (v === null) return '–';
  if (typeof v === 'string') return v;
  return Number.isFinite(v) ? v.toFixed(c.digits ?? 3) : String(v);
}

/**
 * A plain-text table of the metrics rows with a title line and a legend underneath. `k` is the
 * k of k-NN in the legend; the columns are fixed.
 *
 * @example
 * ```ts
 * console.log(formatMetricsTable(rows, { train: 8000, test: 2000, knnK: 5, precisionK: 100 }));
 * ```
 */
export function formatMetricsTable(
  rows: readonly ModelMetrics[],
  info: { train: number; test: number; knnK: number; precisionK: number; seconds?: number },
): string {
  const columns = COLUMNS.map((c) => (c.title === '5-NN acc' ? { ...c, title: `${info.knnK}-NN acc` } : c.title === 'P@100' ? { ...c, title: `P@${info.precisionK}` } : c));
  const cells = rows.map((r) => columns.map((c) => cell(c, r)));
  const widths = columns.map((c, j) => Math.max(c.title.length, ...cells.map((row) => row[j].length)));
  const line = (fields: string[]) => fields.map((f, j) => (j === 0 ? f.padEnd(widths[j]) : f.padStart(widths[j]))).join('  ');
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const out = [
    `latent-ts demo: ${info.train} training and ${info.test} test digits${info.seconds === undefined ? '' : `, ${info.seconds.toFixed(1)} s in all`}`,
    '',
    line(columns.map((c) => c.title)),
    rule,
    ...cells.map(line),
    rule,
    'Measures on the test digits. expl.var: fraction of training variance kept by PCA.',
    'MSE/pixel: mean squared reconstruction error per pixel (pixels in [0, 1]).',
    `${info.knnK}-NN acc: accuracy of ${info.knnK}-nearest-neighbour (Euclidean) classification of test codes by training codes.`,
    `P@${info.precisionK}: precision@${info.precisionK} of 16- or 32-bit median-thresholded codes (Hamming; database = train, queries = test);`,
    'CVAE-8x4: a categorical VAE\'s arg-max codes, 8 variables of 4 categories = 16 bits (symbol-wise Hamming), a few epochs only.',
    'VQ-VAE-8x4: a VQ-VAE\'s code indices, 8 latents of 4 codes = 16 bits (symbol-wise Hamming; 5-NN on the encoder outputs), a few epochs only.',
    'ELBO, recon (−E_q ln p(x|z)) and KL in nats per digit (Bernoulli decoder); −ELBO = recon + KL.',
    'ln p(x): PPCA log-likelihood in nats per digit (a density on continuous pixels, so it can be positive).',
  ];
  return out.join('\n');
}
