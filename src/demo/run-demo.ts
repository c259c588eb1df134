/**
 * `npm run demo`: PCA, PPCA, Autoencoders and VAEs on the built-in digits, with pictures, saved
 * models and a metrics table. Node only.
 *
 * @module
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { saveState } from '../io/model-bytes.js';
import { demoData } from './data.js';
import { evaluateModel, type EvalSplit, type ModelMetrics } from './evaluate.js';
import { codesFigure, imagesFigure, manifoldFigure, partsFigure, reconstructionsFigure } from './figures.js';
import { fitAutoencoder, fitNMF, fitPCA, fitPPCA, fitVAE, type Fitted } from './fit.js';
import { latentGrid } from './manifold.js';
import { cocktailParty } from './cocktail.js';
import { categoricalDemo } from './categorical.js';
import { vqDemo } from './vq.js';
import { asMatrix, type Matrix } from '../app/matrix.js';
import { resolveDemoOptions, type DemoOptions, type DemoPlan } from './options.js';
import { DemoProgress, stderrProgress } from './progress.js';
import { formatMetricsTable } from './table.js';
import { indexHtml, metricsJson } from './outputs.js';
import { semiSupervisedDemo } from './semi-supervised-demo.js';
import { startDeepAutoencoder } from './background-fit.js';
import { getThreads, setThreads } from '../kernels/threads/threads.js';
import type { VAE } from '../models/neural/vae.js';
import type { PCA } from '../models/decomposition/pca.js';
import type { AnyModel } from '../models/registry.js';

/**
 * What {@link runDemo} returns.
 *
 * @example
 * ```ts
 * const { rows, files } = await runDemo({ quick: true });
 * ```
 */
export interface DemoResult {
  outDir: string;
  /** One metrics row per fitted model, in table order. */
  rows: ModelMetrics[];
  /** Names of the files written into `outDir`. */
  files: string[];
  /** The printed metrics table. */
  table: string;
  /** The semi-supervised table (printed after the metrics table), when it ran. */
  semiSupervisedTable?: string;
  /** Wall time of the whole run. */
  seconds: number;
}

/**
 * Runs the demo: fits PCA and PPCA (2, 16 and 32 components), Autoencoders and Bernoulli VAEs
 * (2-, 16- and 32-D codes) on the built-in digits, and NMF for a figure of its parts beside PCA's
 * components, and FastICA on three mixed synthetic signals; measures them on the test digits, runs
 * the semi-supervised table (classifiers with 10 and 100 labelled digits per class, from random
 * initialisation and from the AE-32 and VAE-32 encoders), writes the pictures, the models
 * (`.safetensors`), `metrics.json`, `metrics.txt`, `semi-supervised.txt` and `index.html` into
 * `outDir`, and prints the metrics and semi-supervised tables.
 *
 * @example
 * ```ts
 * const result = await runDemo({ outDir: 'demo-output' });
 * console.log(result.seconds);
 * ```
 */
export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const plan = resolveDemoOptions(options);
  const progress = new DemoProgress(options.progress === undefined ? stderrProgress : options.progress);
  progress.line(`latent-ts demo${plan.quick ? ' (quick)' : ''}: loading the built-in digits`);
  const data = await demoData(plan.trainSize, plan.testSize, plan.seed);
  const split: EvalSplit = { train: data.train, test: data.test, trainLabels: data.train.labels, testLabels: data.test.labels };
  progress.line(`${split.train.shape[0]} training and ${split.test.shape[0]} test digits of ${data.imageShape.join('×')} pixels`);

  const fitted = await fitAll(plan, split.train, progress);
  const rows: ModelMetrics[] = [];
  const testCodes = new Map<string, Matrix>();
  // About a second per model (the 5-NN search dominates): one line per model keeps it audible.
  await progress.step(`measuring ${fitted.length} models`, async () => {
    for (const f of fitted) {
      const t0 = performance.now();
      const { row, testCodes: z } = evaluateModel(f, split, plan);
      rows.push(row);
      testCodes.set(f.name, z);
      progress.line(`${f.name}: measured in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
  }, `codes, reconstructions, likelihoods, ${plan.knnK}-NN accuracy, retrieval`);

  await mkdir(plan.outDir, { recursive: true });
  const files: string[] = [];
  const write = async (name: string, text: string) => {
    await writeFile(join(plan.outDir, name), text);
    files.push(name);
  };
  const byName = (name: string) => {
    const f = fitted.find((x) => x.name === name);
    if (!f) throw new Error(`runDemo: no model ${name}`);
    return f.model;
  };
  await progress.step('drawing the figures', () => writeFigures(plan, split, data.imageShape, testCodes, byName, write, progress));
  const extra: Record<string, unknown> = {};
  const reports: string[] = [];
  const semi = plan.semiSupervised;
  if (semi !== null) {
    // The widest codes' AE, VAE and PCA, already fitted on every training digit, are the pre-trained models.
    const k = Math.max(...plan.hashBits);
    const out = await progress.step('semi-supervised table', () => semiSupervisedDemo(semi, k, split, byName, progress),
      `${semi.labelsPerClass.join(' and ')} labels per class, ${semi.seeds} seeds`);
    await write('semi-supervised.txt', out.text + '\n');
    await write('semi-supervised.svg', out.svg);
    extra.semiSupervised = out.json;
    reports.push(out.text);
  }
  // The discrete-code rows: fit, measure, push the row and write the samples' picture.
  const discreteStep = (title: string, file: string, demo: typeof categoricalDemo) => progress.step(title, async () => {
    const t0 = performance.now();
    const { row, samplesSvg } = await demo(split, plan, data.imageShape);
    rows.push(row);
    const measured = (performance.now() - t0) / 1000 - row.fitSeconds;
    progress.line(`${row.name}: measured in ${measured.toFixed(1)} s (fitted in ${row.fitSeconds.toFixed(1)} s)`);
    await write(file, samplesSvg);
    progress.line(`${row.name}: precision@${plan.precisionK} ${row.precisionAt100!.toFixed(3)} (symbol-wise Hamming)`);
  }, 'fit, retrieval precision, samples');
  await discreteStep('categorical VAE (8 variables × 4 categories = 16 bits)', 'cvae-samples.svg', categoricalDemo);
  await discreteStep('VQ-VAE (8 latents × 4 codes = 16 bits, EMA codebook)', 'vqvae-samples.svg', vqDemo);
  if (plan.saveModels) {
    await progress.step(`saving ${fitted.length} models`, async () => {
      for (const f of fitted) {
        const name = `${f.name.toLowerCase()}.safetensors`;
        await saveState(join(plan.outDir, name), f.model.toState());
        files.push(name);
      }
    });
  }
  const seconds = progress.elapsed();
  const table = formatMetricsTable(rows, { train: split.train.shape[0], test: split.test.shape[0], knnK: plan.knnK, precisionK: plan.precisionK, seconds });
  await write('metrics.txt', table + '\n');
  await write('metrics.json', metricsJson(plan, rows, split, seconds, [...files, 'metrics.json', 'index.html'], extra));
  await write('index.html', indexHtml(files, [table, ...reports].join('\n\n')));
  progress.line(`wrote ${files.length} files to ${plan.outDir}/`);
  if (options.report !== null) for (const text of [table, ...reports]) (options.report ?? ((t: string) => process.stdout.write(t + '\n')))(text);
  return { outDir: plan.outDir, rows, files, table, seconds, ...(reports.length > 0 ? { semiSupervisedTable: reports[0] } : {}) };
}

/** Every model of the run, 2-D ones first (they carry the main figure). */
async function fitAll(plan: DemoPlan, train: Matrix, progress: DemoProgress): Promise<Fitted<AnyModel>[]> {
  const wide = [...new Set([...plan.hashBits, plan.bigLatent])].sort((a, b) => a - b);
  const dims = [2, ...wide.filter((k) => k !== 2)];
  // With two or more threads the 2-D autoencoder, the longest run, trains on a thread of its own
  // while this one fits the rest on one core (src/demo/background-fit.ts).
  const threads = getThreads();
  const background = threads >= 2 ? startDeepAutoencoder(train, plan, progress) : null;
  if (background !== null) setThreads(1);
  try {
    const out: Fitted<AnyModel>[] = [];
    for (const k of dims) out.push(fitPCA(k, train, progress));
    for (const k of dims) out.push(fitPPCA(k, train, progress));
    const aes: Fitted<AnyModel>[] = [];
    for (const k of dims) if (k !== 2 || background === null) aes.push(await fitAutoencoder(k, train, plan, progress));
    const vaes: Fitted<AnyModel>[] = [];
    for (const k of dims) vaes.push(await fitVAE(k, train, plan, progress));
    if (background !== null) aes.unshift(await background.result);
    return [...out, ...aes, ...vaes];
  } catch (err) {
    await background?.cancel();
    throw err;
  } finally {
    if (background !== null) setThreads(threads);
  }
}

async function writeFigures(
  plan: DemoPlan,
  split: EvalSplit,
  imageShape: [number, number],
  testCodes: Map<string, Matrix>,
  model: (name: string) => AnyModel,
  write: (name: string, text: string) => Promise<void>,
  progress: DemoProgress,
): Promise<void> {
  const codes = (name: string) => testCodes.get(name) as Matrix;
  await write('codes-2d.svg', codesFigure([codes('PCA-2'), codes('AE-2'), codes('VAE-2')], split.testLabels));

  const big = `VAE-${plan.bigLatent}`;
  const vae = model(big) as VAE;
  const samples = asMatrix(vae.sample(plan.samples, { seed: plan.seed }));
  await write('vae-samples.svg', imagesFigure(samples, imageShape, 8, `${big} samples (decoder means of z ~ N(0, I))`));

  const n = Math.min(plan.reconstructions, split.test.shape[0]);
  const d = split.test.shape[1];
  const originals: Matrix = { data: split.test.data.slice(0, n * d), shape: [n, d] };
  const recon = (name: string) => [name, asMatrix(model(name).reconstruct(originals))] as const;
  await write('reconstructions.svg', reconstructionsFigure(
    originals,
    [recon(`PCA-${plan.bigLatent}`), recon(`AE-${plan.bigLatent}`), recon(big), recon('VAE-2')],
    imageShape,
  ));

  const side = plan.manifoldSide;
  const grid = (model('VAE-2') as VAE).decode({ data: latentGrid(side), shape: [side * side, 2] });
  await write('vae-manifold.svg', manifoldFigure(asMatrix(grid), side, imageShape, `VAE-2: decoded ${side}×${side} grid of z = Φ⁻¹(quantiles)`));

  const k = plan.bigLatent;
  const nmf = fitNMF(k, split.train, plan, progress);
  await write('parts.svg', partsFigure(asMatrix((model(`PCA-${k}`) as PCA).components), asMatrix(nmf.model.components), imageShape));

  const party = cocktailParty(plan.seed);
  progress.line(`FastICA cocktail party: sources recovered with |correlation| ${party.recovery.map((r) => r.toFixed(4)).join(', ')}`);
  await write('ica-cocktail.svg', party.svg);
}
