/**
 * Retrieval precision of VQ-VAE codes as a hashing of the built-in digits (issue 17): the
 * training digits are the database, the test digits the queries, and precision@k counts the
 * retrieved training digits of the query's class. VQ codes (M indices of log2 K bits each) are
 * searched by symbol-wise Hamming distance (`CategoricalIndex`); beside them PCA codes
 * thresholded at the training medians, 16 and 32 bits, searched by bit-wise Hamming distance
 * (`HammingIndex`), as the demo's P@100 column does. Quality, not speed: the fit times are
 * printed for orientation only.
 *
 * Options:
 *   --epochs N        VQ-VAE training epochs (default 15)
 *   --update U        codebookUpdate, ema or loss (default ema)
 *   --hidden H        encoder hidden width, the decoder mirrors it (default 256)
 *   --code-dim D      dimension of each code (default 8)
 *   --k K             precision@K (default 100)
 *   --seed S          digits split and model seed (default 0)
 */
import { loadDigits } from '../src/data/digits.js';
import { binaryCodes } from '../src/hashing/binary-codes.js';
import { CategoricalIndex } from '../src/hashing/categorical-index.js';
import { HammingIndex } from '../src/hashing/hamming-index.js';
import { precisionAtK } from '../src/hashing/precision.js';
import { PCA } from '../src/models/decomposition/pca.js';
import { VQVAE } from '../src/models/neural/vq-vae.js';
import { type BenchArgs, type BenchReport, type Row, machineInfo, numberOption, peakRssMB, printTable } from './harness.js';

/** The VQ code shapes: M latents of K codes, M·log2 K bits. */
const SHAPES: readonly { nLatents: number; nCodes: number }[] = [
  { nLatents: 4, nCodes: 16 }, { nLatents: 8, nCodes: 4 }, { nLatents: 8, nCodes: 16 }, { nLatents: 16, nCodes: 4 },
];

export async function run(args: BenchArgs): Promise<BenchReport> {
  const epochs = numberOption(args, 'epochs', 15);
  const update = args.options.update === 'loss' ? 'loss' : 'ema';
  const hidden = numberOption(args, 'hidden', 256);
  const codeDim = numberOption(args, 'code-dim', 8);
  const k = numberOption(args, 'k', 100);
  const seed = numberOption(args, 'seed', 0);
  const { train, test } = await loadDigits({ seed });
  const rows: Row[] = [];
  for (const bits of [16, 32]) {
    const t0 = performance.now();
    const pca = new PCA({ nComponents: bits }).fit(train);
    const db = binaryCodes(pca.transform(train), { threshold: 'median' });
    const queries = binaryCodes(pca.transform(test), { threshold: db.thresholds });
    const p = precisionAtK(new HammingIndex(db), queries, test.labels, train.labels, k);
    rows.push({ codes: `PCA, median thresholds`, bits, shape: `${bits} × 1 bit`, [`P@${k}`]: p.toFixed(4), perplexity: '', seconds: ((performance.now() - t0) / 1000).toFixed(1) });
  }
  for (const { nLatents, nCodes } of SHAPES) {
    const bits = nLatents * Math.log2(nCodes);
    const t0 = performance.now();
    const vq = new VQVAE({ inputDim: 784, hiddenDims: [hidden], nLatents, nCodes, codeDim, loss: 'bce', codebookUpdate: update, seed });
    await vq.fit(train, { epochs, batchSize: 128, learningRate: 1e-3 });
    const db = vq.encode(train);
    const q = vq.encode(test);
    const index = new CategoricalIndex(db.data, nLatents, nCodes);
    const queries = { codes: q.data, nCodes: q.shape[0], nVariables: nLatents, nCategories: nCodes };
    const p = precisionAtK(index, queries, test.labels, train.labels, k);
    const usage = vq.codeUsage(train);
    rows.push({
      codes: `VQ-VAE (${update})`, bits, shape: `${nLatents} × ${nCodes} codes`, [`P@${k}`]: p.toFixed(4),
      perplexity: `${usage.perplexity.toFixed(1)} of ${nCodes}`, seconds: ((performance.now() - t0) / 1000).toFixed(1),
    });
  }
  rows.sort((a, b) => Number(a.bits) - Number(b.bits));
  console.log(`precision@${k} of the built-in digits (${test.shape[0]} test queries, ${train.shape[0]} training digits, seed ${seed}); VQ-VAE 784-${hidden}-(M·${codeDim}), bce, ${epochs} epochs, batch 128, Adam 1e-3`);
  printTable(rows);
  return { bench: 'vq-hashing', machine: machineInfo(), date: new Date().toISOString(), peakRssMB: peakRssMB(), rows };
}
