/**
 * Options of the demo and the two presets they are resolved against: the full run (all built-in
 * digits, under 3 minutes on two cores) and `quick` (a small subset, for tests).
 *
 * @module
 */
import type { ProgressWriter } from './progress.js';
import { DEMO_SEMI_SUPERVISED, QUICK_SEMI_SUPERVISED } from './semi-supervised-plan.js';
import type { SemiSupervisedSettings } from './semi-supervised.js';

/**
 * Options of {@link runDemo}. Everything is optional; the defaults are the full demo.
 *
 * @example
 * ```ts
 * await runDemo({ outDir: 'out', quick: true, progress: null });
 * ```
 */
export interface DemoOptions {
  /** Directory for pictures, models and metrics.json (created if missing). Default `'demo-output'`. */
  outDir?: string;
  /** A small and fast run (subset, few epochs, small networks) for tests. Default false. */
  quick?: boolean;
  /** Training digits used (default: all 8,000; quick: 2,000). */
  trainSize?: number;
  /** Test digits used (default: all 2,000; quick: 500). */
  testSize?: number;
  /** Epochs of the 2-D VAE and of fine-tuning the 2-D Autoencoder (then the larger-code models get about 4/5 of it). */
  epochs?: number;
  /** Seed of the data split, every initialisation and every draw. Default 0. */
  seed?: number;
  /** Receives progress lines; default: stderr. `null` silences them. */
  progress?: ProgressWriter | null;
  /** Receives the final metrics table; default: stdout. `null` silences it. */
  report?: ((text: string) => void) | null;
  /** Save every fitted model as `.safetensors` in `outDir`. Default true. */
  saveModels?: boolean;
  /** Run the semi-supervised table (few labelled digits; semi-supervised.txt/.svg). Default true. */
  semiSupervised?: boolean;
}

/**
 * The 2-D autoencoder of the code figure's panel [B]: a deeper encoder, greedily pre-trained
 * layer by layer (`Autoencoder.pretrainLayerwise`), then fine-tuned as a whole.
 *
 * @example
 * ```ts
 * const deep: DeepAutoencoderPlan = { hiddenDims: [256, 256, 128], pretrainEpochs: 3, epochs: 60, learningRate: 3e-3 };
 * ```
 */
export interface DeepAutoencoderPlan {
  /** Encoder hidden widths (the decoder mirrors them). */
  hiddenDims: number[];
  /** Epochs of each level's shallow autoencoder. */
  pretrainEpochs: number;
  /** Epochs of fine-tuning the whole stack. */
  epochs: number;
  /** Adam's learning rate while fine-tuning the whole stack; the plan's `learningRate` when absent. */
  learningRate?: number;
}

/** Every setting of one run, after presets and options are combined. */
export interface DemoPlan {
  outDir: string;
  quick: boolean;
  trainSize: number;
  testSize: number;
  seed: number;
  /** Hidden layer widths of the 2-D VAE encoder (the decoder mirrors them). */
  hiddenDims2d: number[];
  /** The 2-D Autoencoder: deeper, pre-trained layer by layer, then fine-tuned. */
  ae2d: DeepAutoencoderPlan;
  /** Hidden layer widths of the 16- and 32-D models (cheaper: their codes need less shaping). */
  hiddenDimsWide: number[];
  /** Epochs of the 2-D VAE, whose codes carry the figure. */
  epochs2d: number;
  /** Epochs of the 16- and 32-D models. */
  epochsWide: number;
  batchSize: number;
  learningRate: number;
  /** Code sizes of the wide models and of the hashing codes. */
  hashBits: number[];
  /** Latent size of the VAE whose samples and reconstructions are drawn. */
  bigLatent: number;
  /** Side of the decoded latent grid. */
  manifoldSide: number;
  samples: number;
  reconstructions: number;
  knnK: number;
  precisionK: number;
  /** NMF parts figure: training digits it is fitted on and its coordinate-descent iterations. */
  nmfRows: number;
  nmfIterations: number;
  saveModels: boolean;
  /** The semi-supervised table's settings (its seed is the run's), or null to skip it. */
  semiSupervised: SemiSupervisedSettings | null;
}

const FULL: Omit<DemoPlan, 'outDir' | 'quick' | 'seed' | 'saveModels' | 'semiSupervised'> = {
  trainSize: 8000,
  testSize: 2000,
  hiddenDims2d: [512, 256],
  // 256-256-128 under the code and fine-tuning at 3e-3: 5-NN accuracy of its test codes over
  // seeds 0-4 0.800 against 0.769 for 256-128-32 at 2e-3, for about 25% more CPU seconds; wider
  // first layers, smaller batches, smooth activations, longer pre-training, weight decay or a
  // decaying rate did no better per CPU second (README, 'Pictures'; scripts/ae2d-sweep.ts).
  ae2d: { hiddenDims: [256, 256, 128], pretrainEpochs: 3, epochs: 60, learningRate: 3e-3 },
  hiddenDimsWide: [256],
  epochs2d: 15,
  epochsWide: 12,
  batchSize: 128,
  learningRate: 2e-3,
  hashBits: [16, 32],
  bigLatent: 16,
  manifoldSide: 20,
  samples: 64,
  reconstructions: 16,
  knnK: 5,
  precisionK: 100,
  // 2,000 digits and 80 sweeps take about 4 s on one core and show the parts clearly; the
  // remaining iterations to scikit-learn's tol only sharpen them (bench/README.md, NMF).
  nmfRows: 2000,
  nmfIterations: 80,
};

const QUICK: typeof FULL = {
  ...FULL,
  trainSize: 2000,
  testSize: 500,
  hiddenDims2d: [128],
  ae2d: { hiddenDims: [128, 32], pretrainEpochs: 2, epochs: 12 },
  hiddenDimsWide: [128],
  epochs2d: 12,
  epochsWide: 6,
  batchSize: 64,
  learningRate: 3e-3,
  manifoldSide: 8,
  samples: 16,
  reconstructions: 8,
  nmfRows: 500,
  nmfIterations: 30,
};

/**
 * Combines `options` with the preset they select and checks them.
 *
 * @throws RangeError naming a bad option.
 * @example
 * ```ts
 * resolveDemoOptions({ quick: true }).trainSize; // 2000
 * ```
 */
export function resolveDemoOptions(options: DemoOptions = {}): DemoPlan {
  const quick = options.quick ?? false;
  const base = quick ? QUICK : FULL;
  const epochs2d = positiveInt(options.epochs, 'epochs', base.epochs2d);
  const seed = integer(options.seed, 'seed', 0);
  return {
    ...base,
    outDir: options.outDir ?? 'demo-output',
    quick,
    trainSize: positiveInt(options.trainSize, 'trainSize', base.trainSize),
    testSize: positiveInt(options.testSize, 'testSize', base.testSize),
    seed,
    epochs2d,
    epochsWide: options.epochs === undefined ? base.epochsWide : Math.max(1, Math.round(epochs2d * 0.8)),
    ae2d: { ...base.ae2d, epochs: options.epochs === undefined ? base.ae2d.epochs : epochs2d },
    saveModels: options.saveModels ?? true,
    semiSupervised: options.semiSupervised === false ? null : { ...(quick ? QUICK_SEMI_SUPERVISED : DEMO_SEMI_SUPERVISED), seed },
  };
}

function integer(v: number | undefined, name: string, fallback: number): number {
  if (v === undefined) return fallback;
  if (!Number.isSafeInteger(v)) throw new RangeError(`runDemo: ${name} must be an integer (got ${String(v)})`);
  return v;
}

function positiveInt(v: number | undefined, name: string, fallback: number): number {
  const n = integer(v, name, fallback);
  if (n < 1) throw new RangeError(`runDemo: ${name} must be a positive integer (got ${n})`);
  return n;
}
