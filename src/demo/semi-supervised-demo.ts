/**
 * The semi-supervised table inside `npm run demo`: it reuses the demo's own widest
 * Autoencoder, VAE and PCA (fitted on every training digit, without labels) as the pre-trained
 * models, so it adds no pre-training, and yields the table text, the figure and the
 * `semiSupervised` entry of metrics.json.
 *
 * @module
 */
import type { Autoencoder } from '../models/neural/autoencoder.js';
import type { PCA } from '../models/decomposition/pca.js';
import type { VAE } from '../models/neural/vae.js';
import type { AnyModel } from '../models/registry.js';
import type { EvalSplit } from './evaluate.js';
import type { DemoProgress } from './progress.js';
import { semiSupervisedFigure } from './semi-supervised-figure.js';
import { formatSemiSupervisedTable, methodLabel, semiSupervisedJson, type SourceNames } from './semi-supervised-report.js';
import { semiSupervised, type SemiSupervisedRow, type SemiSupervisedSettings } from './semi-supervised.js';

/**
 * What {@link semiSupervisedDemo} produces.
 *
 * @example
 * ```ts
 * const { text, svg, json } = await semiSupervisedDemo(settings, 32, split, model, progress);
 * ```
 */
export interface SemiSupervisedOutputs {
  rows: SemiSupervisedRow[];
  text: string;
  svg: string;
  json: Record<string, unknown>;
}

/**
 * Runs the table with the demo's `AE-k`, `VAE-k` and `PCA-k` (looked up by `model`), the
 * training digits as the labelled pool and the test digits as the evaluation set.
 *
 * @example
 * ```ts
 * await semiSupervisedDemo(plan.semiSupervised, 32, split, byName, progress);
 * ```
 */
export async function semiSupervisedDemo(
  settings: SemiSupervisedSettings,
  k: number,
  split: EvalSplit,
  model: (name: string) => AnyModel,
  progress: DemoProgress,
): Promise<SemiSupervisedOutputs> {
  const autoencoder = model(`AE-${k}`) as Autoencoder;
  const vae = model(`VAE-${k}`) as VAE;
  const pca = model(`PCA-${k}`) as PCA;
  const names: SourceNames = {
    autoencoder: `AE-${k}`,
    vae: `VAE-${k}`,
    pca: `PCA-${k}`,
    mlp: [autoencoder.inputDim, ...autoencoder.config.hiddenDims, k, 1 + Math.max(...Array.from(split.trainLabels))].join('-'),
  };
  const rows = await semiSupervised(
    { autoencoder, vae, pca },
    { X: split.train, labels: split.trainLabels },
    { X: split.test, labels: split.testLabels },
    settings,
    (r) => progress.line(`semi-supervised: ${methodLabel(r.method, names)}, ${r.labelsPerClass === null ? 'all' : r.labelsPerClass} labels${r.labelsPerClass === null ? '' : '/class'}: ${r.mean.toFixed(3)} ± ${r.sd.toFixed(3)}`),
  );
  const text = formatSemiSupervisedTable(rows, settings, names, { train: split.train.shape[0], test: split.test.shape[0] });
  return { rows, text, svg: semiSupervisedFigure(rows, names), json: semiSupervisedJson(rows, settings, names) };
}
