/**
 * The semi-supervised table as text (`semi-supervised.txt`) and as the `semiSupervised` entry of
 * `metrics.json`.
 *
 * @module
 */
import type { SemiSupervisedMethod, SemiSupervisedRow, SemiSupervisedSettings } from './semi-supervised.js';

/**
 * Names of the models the methods start from, for the row labels.
 *
 * @example
 * ```ts
 * const names: SourceNames = { autoencoder: 'AE-32', vae: 'VAE-32', pca: 'PCA-32', mlp: '784-256-32-10' };
 * ```
 */
export interface SourceNames {
  autoencoder: string;
  vae: string;
  pca: string;
  /** The MLP's layer widths, e.g. `'784-256-32-10'`. */
  mlp: string;
}

/**
 * The row label of a method, e.g. `'MLP 784-256-32-10 from AE-32, fine-tuned'`.
 *
 * @example
 * ```ts
 * methodLabel('pca-logreg', names); // 'logistic regression on PCA-32 codes'
 * ```
 */
export function methodLabel(method: SemiSupervisedMethod, names: SourceNames): string {
  switch (method) {
    case 'random': return `MLP ${names.mlp}, random init`;
    case 'ae-finetuned': return `same MLP from ${names.autoencoder}, fine-tuned`;
    case 'ae-frozen': return `${names.autoencoder} encoder frozen + linear head`;
    case 'vae-finetuned': return `same MLP from ${names.vae} (μ), fine-tuned`;
    case 'vae-frozen': return `${names.vae} encoder (μ) frozen + linear head`;
    case 'pca-logreg': return `logistic regression on ${names.pca} codes`;
    case 'all-labels': return `logistic regression on ${names.pca} codes, all labels`;
  }
}

function cell(r: SemiSupervisedRow | undefined): string {
  if (r === undefined) return '–';
  return r.accuracies.length === 1 ? `${r.mean.toFixed(3)} (${r.labelled} labels)` : `${r.mean.toFixed(3)} ± ${r.sd.toFixed(3)}`;
}

/**
 * A plain-text table: one line per method, one column per labels-per-class value (mean ± sample
 * sd over the seeds), the all-labels reference under them, and a legend.
 *
 * @example
 * ```ts
 * console.log(formatSemiSupervisedTable(rows, settings, names, { unlabelled: 8000, test: 2000 }));
 * ```
 */
export function formatSemiSupervisedTable(
  rows: readonly SemiSupervisedRow[],
  settings: Pick<SemiSupervisedSettings, 'labelsPerClass' | 'seeds'>,
  names: SourceNames,
  info: { train: number; test: number },
): string {
  const methods = [...new Set(rows.map((r) => r.method))];
  const columns = settings.labelsPerClass.map((l) => `${l} labels/class`);
  const find = (m: SemiSupervisedMethod, l: number | null) => rows.find((r) => r.method === m && r.labelsPerClass === l);
  const body = methods.map((m) => [methodLabel(m, names), ...(m === 'all-labels'
    ? [cell(find(m, null)), ...columns.slice(1).map(() => '')]
    : settings.labelsPerClass.map((l) => cell(find(m, l))))]);
  const header = ['method', ...columns];
  const widths = header.map((h, j) => Math.max(h.length, ...body.map((row) => row[j].length)));
  const line = (fields: string[]) => fields.map((f, j) => (j === 0 ? f.padEnd(widths[j]) : f.padStart(widths[j]))).join('  ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [
    `Semi-supervised digits: test accuracy, mean ± sd over ${settings.seeds} seeds (${info.train} training digits, all used unlabelled`,
    `by the autoencoder, VAE and PCA; a classifier sees only the labelled ones; ${info.test} test digits)`,
    '',
    line(header),
    rule,
    ...body.map(line),
    rule,
    'Each seed draws its own labelled digits (the same for every method) and initialisations; sd is the sample sd over seeds.',
    'Fine-tuned: the copied encoder and a new linear head all trained; frozen: only the head trained (a linear probe).',
    'Hyper-parameters (steps, learning rates, C) were chosen on a validation split of the training digits',
    '(scripts/tune-semisup.ts), not on the test digits.',
  ].join('\n');
}

/**
 * The `semiSupervised` entry of metrics.json: the settings, the row labels and every row
 * (per-seed accuracies included).
 *
 * @example
 * ```ts
 * const entry = semiSupervisedJson(rows, settings, names);
 * entry.rows[0].mean; // e.g. 0.72
 * ```
 */
export function semiSupervisedJson(rows: readonly SemiSupervisedRow[], settings: SemiSupervisedSettings, names: SourceNames): Record<string, unknown> {
  return {
    description: 'test accuracy with few labelled training digits (the rest unlabelled); mean and sample sd over seeds',
    sources: names,
    settings,
    rows: rows.map((r) => ({ ...r, label: methodLabel(r.method, names) })),
  };
}
