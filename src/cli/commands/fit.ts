/**
 * `latent-ts fit <kind> --data FILE --out MODEL.safetensors [options]`.
 *
 * @module
 */
import { knnAccuracy } from '../../app/knn.js';
import { asMatrix, type Matrix } from '../../app/matrix.js';
import { MODEL_KINDS, type AnyModel, type ModelKind } from '../../models/registry.js';
import {
  UsageError, choiceOption, intListOption, intOption, numberOption, parseCommand, stringOption, type OptionSpec,
} from '../args.js';
import { readDataFile, readLabelsFile } from '../data-file.js';
import { checkSettings, fitModel, type FitSettings } from '../fit-model.js';
import { parseSeed, type CliIo } from '../io.js';
import { saveModelFile } from '../model-file.js';
import { checkOutputFile } from '../out-path.js';
import { formatDuration } from '../../train/progress.js';
import { HELP } from '../usage.js';

const SPEC: OptionSpec = {
  data: { type: 'string' },
  out: { type: 'string' },
  labels: { type: 'string' },
  latent: { type: 'string' },
  epochs: { type: 'string' },
  hidden: { type: 'string' },
  'batch-size': { type: 'string' },
  'learning-rate': { type: 'string' },
  likelihood: { type: 'string' },
  codes: { type: 'string' },
  categories: { type: 'string' },
  seed: { type: 'string' },
  quiet: { type: 'boolean' },
};

/** Options that only the neural models use. */
const NEURAL_ONLY = ['epochs', 'hidden', 'batch-size', 'learning-rate'];

/**
 * Runs `fit`; returns the exit code. Usage problems throw {@link UsageError}.
 *
 * @example
 * ```ts
 * await fitCommand(['pca', '--data', 'x.csv', '--out', 'pca.safetensors'], processIo); // 0
 * ```
 */
export async function fitCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const cmd = 'fit';
  const { values, positionals } = parseCommand(cmd, argv, SPEC);
  if (values.help) {
    io.out(HELP.fit);
    return 0;
  }
  const kind = modelKind(positionals);
  const dataPath = stringOption(values, 'data', cmd, { required: true }) as string;
  const outPath = stringOption(values, 'out', cmd, { required: true }) as string;
  const labelsPath = stringOption(values, 'labels', cmd);
  if (kind !== 'ae' && kind !== 'vae' && kind !== 'cvae' && kind !== 'vqvae') {
    const extra = NEURAL_ONLY.find((o) => values[o] !== undefined);
    if (extra) throw new UsageError(cmd, `--${extra} applies to ae, vae, cvae and vqvae only`);
  }
  if (values.categories !== undefined && kind !== 'cvae') throw new UsageError(cmd, '--categories applies to cvae only');
  if (values.likelihood !== undefined && kind !== 'vae') throw new UsageError(cmd, '--likelihood applies to vae only');
  if (values.codes !== undefined && kind !== 'vqvae') throw new UsageError(cmd, '--codes applies to vqvae only');
  const settings: FitSettings = {
    latent: intOption(values, 'latent', cmd, 2, { min: 1 }) as number,
    epochs: intOption(values, 'epochs', cmd, 10, { min: 0 }) as number,
    hiddenDims: intListOption(values, 'hidden', cmd, [256]),
    batchSize: intOption(values, 'batch-size', cmd, 128, { min: 1 }) as number,
    learningRate: numberOption(values, 'learning-rate', cmd, 1e-3, { greaterThan: 0 }) as number,
    likelihood: choiceOption(values, 'likelihood', cmd, ['bernoulli', 'gaussian'] as const, undefined),
    codes: intOption(values, 'codes', cmd, 16, { min: 2 }) as number,
    categories: intOption(values, 'categories', cmd, 4, { min: 2 }) as number,
    seed: parseSeed(stringOption(values, 'seed', cmd), 0),
  };

  await checkOutputFile(outPath, cmd);

  const log = values.quiet ? null : (line: string) => io.err(line);
  log?.(`reading ${dataPath}`);
  const tRead = performance.now();
  const X = await readDataFile(dataPath);
  const labels = labelsPath === undefined ? null : await readLabelsFile(labelsPath, X.shape[0]);
  checkSettings(kind, X, settings);
  log?.(`read ${X.shape[0]} × ${X.shape[1]} in ${since(tRead)}; fitting ${kind} with ${settings.latent}-D codes`);
  const t0 = performance.now();
  const model = await fitModel(kind, X, settings, log);
  const seconds = (performance.now() - t0) / 1000;
  await saveModelFile(outPath, model);
  io.out(`fitted ${kind} (${settings.latent}-D codes) on ${X.shape[0]} samples in ${seconds.toFixed(2)} s; saved ${outPath}`);
  if (labels !== null) {
    log?.('5-NN accuracy of the codes: encoding and classifying the held-out rows');
    const tKnn = performance.now();
    io.out(heldOutKnn(model, X, labels));
    log?.(`5-NN accuracy measured in ${since(tKnn)}`);
  }
  return 0;
}

/** The time since `t0` (a `performance.now()` reading) for a progress line. */
function since(t0: number): string {
  return formatDuration((performance.now() - t0) / 1000);
}

function modelKind(positionals: string[]): ModelKind {
  if (positionals.length === 0) throw new UsageError('fit', `missing the model kind (${MODEL_KINDS.join(', ')})`);
  if (positionals.length > 1) throw new UsageError('fit', `unexpected argument '${positionals[1]}'`);
  const kind = positionals[0];
  if (!(MODEL_KINDS as readonly string[]).includes(kind)) {
    throw new UsageError('fit', `unknown model kind '${kind}' (expected ${MODEL_KINDS.join(', ')})`);
  }
  return kind as ModelKind;
}

/**
 * 5-NN accuracy of the codes: the last 20% of rows classified by the first 80%. A VQ-VAE's
 * codes are indices, whose Euclidean distance means nothing, so its encoder outputs z_e are
 * classified instead (and the line says so).
 */
function heldOutKnn(model: AnyModel, X: Matrix, labels: Int32Array): string {
  const n = X.shape[0];
  const nRef = Math.floor(0.8 * n);
  if (nRef < 5 || n - nRef < 1) return `k-NN accuracy: too few rows (${n}) to hold out 20%`;
  const Z = asMatrix(model.type === 'VQVAE' ? model.encodeContinuous(X) : model.encode(X));
  const k = Z.shape[1];
  const accuracy = knnAccuracy(
    { data: Z.data.subarray(0, nRef * k), n: nRef, dim: k, labels: labels.subarray(0, nRef) },
    { data: Z.data.subarray(nRef * k), n: n - nRef, dim: k, labels: labels.subarray(nRef) },
    5,
  );
  const what = model.type === 'VQVAE' ? 'the encoder outputs' : 'the codes';
  return `5-NN accuracy of ${what} (last ${n - nRef} rows classified by the first ${nRef}): ${accuracy.toFixed(4)}`;
}
