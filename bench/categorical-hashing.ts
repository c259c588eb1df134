/**
 * Semantic hashing on the built-in digits (8,000 train / 2,000 test, seed 0): precision@100 of
 * test queries against the training codes, for codes of 16 and 32 bits: PCA and VAE codes
 * thresholded at the training medians (one bit per dimension, Hamming distance) beside a
 * categorical VAE's arg-max codes (N variables of K categories, N·log2 K bits, symbol-wise
 * Hamming distance).
 *
 * Options:
 *   --epochs E          epochs of the VAE and the categorical VAE (default 20)
 *   --categories K      categories per variable of the categorical VAE (default 4)
 *   --bits a,b          code sizes (default 16,32)
 *   --anneal-rate r     the categorical VAE's τ = max(0.5, exp(−r·step)) (default 1e-3)
 *   --hard              the straight-through categorical VAE
 *   --k K               precision@K (default 100)
 */
import { loadDigits } from '../src/data/digits.js';
import { binaryCodes } from '../src/hashing/binary-codes.js';
import { categoricalCodes } from '../src/hashing/categorical-codes.js';
import { CategoricalIndex } from '../src/hashing/categorical-index.js';
import { HammingIndex } from '../src/hashing/hamming-index.js';
import { precisionAtK } from '../src/hashing/precision.js';
import { PCA } from '../src/models/decomposition/pca.js';
import { CategoricalVAE } from '../src/models/neural/categorical-vae.js';
import { VAE } from '../src/models/neural/vae.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { type BenchArgs, type BenchReport, type Row, fmt, listOption, machineInfo, numberOption, peakRssMB, printTable } from './harness.js';

const HIDDEN = [256];

export async function run(args: BenchArgs): Promise<BenchReport> {
  const epochs = numberOption(args, 'epochs', 20);
  const K = numberOption(args, 'categories', 4);
  const k = numberOption(args, 'k', 100);
  const annealRate = numberOption(args, 'anneal-rate', 1e-3);
  const hard = args.options.hard === true;
  const bitsList = (listOption(args, 'bits') ?? ['16', '32']).map(Number);
  const { train, test } = await loadDigits({ testFraction: 0.2, seed: 0 });
  const binary = (trainCodes: Tensor, testCodes: Tensor): number => {
    const db = binaryCodes(trainCodes, { threshold: 'median' });
    return precisionAtK(new HammingIndex(db), binaryCodes(testCodes, { threshold: db.thresholds }), test.labels, train.labels, k);
  };
  const rows: Row[] = [];
  const add = (model: string, bits: number, code: string, seconds: number, precision: number) => {
    rows.push({ model, bits, code, fitSeconds: fmt(seconds), [`precisionAt${k}`]: fmt(precision, 3) });
    console.error(`${model} ${bits} bits: precision@${k} ${precision.toFixed(3)} (${seconds.toFixed(1)} s)`);
  };
  for (const bits of bitsList) {
    let t0 = performance.now();
    const pca = new PCA({ nComponents: bits }).fit(train);
    add('PCA', bits, `${bits} median bits`, (performance.now() - t0) / 1000, binary(pca.encode(train), pca.encode(test)));

    t0 = performance.now();
    const vae = new VAE({ inputDim: train.shape[1], hiddenDims: HIDDEN, latentDim: bits, seed: 0 });
    await vae.fit(train, { epochs, batchSize: 100, learningRate: 1e-3 });
    add('VAE', bits, `${bits} median bits of μ`, (performance.now() - t0) / 1000, binary(vae.encode(train), vae.encode(test)));

    const nVariables = Math.round(bits / Math.log2(K));
    t0 = performance.now();
    const cvae = new CategoricalVAE({ inputDim: train.shape[1], hiddenDims: HIDDEN, nVariables, nCategories: K, annealRate, hard, seed: 0 });
    await cvae.fit(train, { epochs, batchSize: 100, learningRate: 1e-3 });
    const seconds = (performance.now() - t0) / 1000;
    const db = cvae.encode(train);
    const queries = categoricalCodes(cvae.encode(test), K);
    const precision = precisionAtK(new CategoricalIndex(db.codes, nVariables, K), queries, test.labels, train.labels, k);
    add(`CategoricalVAE${hard ? ' (hard)' : ''}`, nVariables * Math.log2(K), `${nVariables} × ${K} categories`, seconds, precision);
  }
  console.log(`precision@${k} on the digits (${train.shape[0]} train codes, ${test.shape[0]} test queries), hidden ${HIDDEN.join(',')}, ${epochs} epochs`);
  printTable(rows);
  return {
    bench: 'categorical-hashing', machine: machineInfo(), date: new Date().toISOString(), peakRssMB: peakRssMB(),
    epochs, categories: K, annealRate, hard, k, rows,
  };
}
