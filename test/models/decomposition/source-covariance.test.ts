/**
 * PCA and PPCA fitted from a row source (one pass, float64 XᵀX and column sums) equal the
 * in-memory covariance solver in float64 to ~1e-9, bit-identically across runs; a failing
 * source leaves the model as it was; what one pass cannot do is rejected by name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PCA } from '../../../src/models/decomposition/pca.js';
import { PPCA } from '../../../src/models/decomposition/ppca.js';
import { IncrementalPCA } from '../../../src/models/decomposition/incremental-pca.js';
import { matrixSource, type RowBatch } from '../../../src/io/row-source.js';
import { idxSource } from '../../../src/data/idx-source.js';
import { loadIdx } from '../../../src/data/idx.js';
import { ShapeError } from '../../../src/errors.js';
import { bytesOf, maxAbs, maxAbsDiff, spectrumData, type Mat } from './pca-fixtures.js';
import { gzip, idxBytes, pixels } from '../../helpers/idx-bytes.js';

const rel = (a: ArrayLike<number>, e: ArrayLike<number>): number => maxAbsDiff(a, e) / Math.max(maxAbs(e), 1e-300);

/** Tall data with a large offset (1e4): the one-pass sums must not cancel it away. */
const X = spectrumData(500, 16, 'stream', [40, 15, 6, 2, 1], 0.1, 1e4);

function float32(x: Mat): { data: Float32Array; shape: [number, number] } {
  return { data: Float32Array.from(x.data), shape: x.shape };
}

function comparePCA(streamed: PCA, memory: PCA): void {
  expect(streamed.nComponentsFitted).toBe(memory.nComponentsFitted);
  expect(rel(streamed.components.data, memory.components.data)).toBeLessThan(1e-9);
  expect(rel(streamed.explainedVariance, memory.explainedVariance)).toBeLessThan(1e-9);
  expect(rel(streamed.singularValues, memory.singularValues)).toBeLessThan(1e-9);
  expect(rel(streamed.mean, memory.mean)).toBeLessThan(1e-13);
  expect(Math.abs(streamed.totalVariance - memory.totalVariance) / memory.totalVariance).toBeLessThan(1e-9);
  expect(Math.abs(streamed.noiseVariance - memory.noiseVariance) / Math.max(memory.noiseVariance, 1e-300)).toBeLessThan(1e-8);
  expect(streamed.fittedWith).toEqual({ solver: 'covariance', precision: 'float64' });
}

describe('PCA.fit(source)', () => {
  for (const nComponents of [3, 0.9, null]) {
    it(`equals the in-memory float64 covariance solver (nComponents ${String(nComponents)}), for any batch size and storage`, async () => {
      const memory = new PCA({ nComponents, solver: 'covariance', precision: 'float64' }).fit(X);
      for (const batchSize of [1, 7, 128, 5000]) {
        comparePCA(await new PCA({ nComponents }).fit(matrixSource(X, { batchSize })), memory);
      }
      const x32 = float32(X);
      const memory32 = new PCA({ nComponents, solver: 'covariance', precision: 'float64' }).fit(x32);
      const batches: RowBatch[] = [];
      for (let r0 = 0; r0 < 500; r0 += 90) {
        batches.push({ data: x32.data.subarray(r0 * 16, Math.min(500, r0 + 90) * 16), shape: [Math.min(90, 500 - r0), 16] });
      }
      comparePCA(await new PCA({ nComponents }).fit(batches), memory32);
    });
  }

  it('is bit-identical across runs and its scores match', async () => {
    const a = await new PCA({ nComponents: 4 }).fit(matrixSource(X, { batchSize: 33 }));
    const b = await new PCA({ nComponents: 4 }).fit(matrixSource(X, { batchSize: 33 }));
    expect(a.toBytes()).toEqual(b.toBytes());
    const memory = new PCA({ nComponents: 4, solver: 'covariance', precision: 'float64' }).fit(X);
    expect(rel(a.transform(X).data, memory.transform(X).data)).toBeLessThan(1e-9);
    expect(Math.abs(a.score(X) - memory.score(X)) / Math.abs(memory.score(X))).toBeLessThan(1e-9);
  });

  it('leaves the model as it was when the source throws, and rejects what one pass cannot do', async () => {
    const m = new PCA({ nComponents: 2 }).fit(X);
    const before = m.toBytes();
    async function* failing(): AsyncGenerator<RowBatch> {
      yield { data: X.data.subarray(0, 160), shape: [10, 16] };
      throw new Error('disk gone');
    }
    await expect(m.fit(failing())).rejects.toThrow('disk gone');
    expect(m.toBytes()).toEqual(before);
    await expect(new PCA({ nComponents: 2, solver: 'full' }).fit(matrixSource(X))).rejects.toThrow(/PCA.fit: a row source is read in one pass, which only solver 'covariance' \(or 'auto'\) can do \(got solver 'full'\)/);
    await expect(new PCA({ nComponents: 2, precision: 'mixed' }).fit(matrixSource(X))).rejects.toThrow(/precision 'mixed' needs a second pass/);
    await expect(new PCA({ nComponents: 2 }).fit(matrixSource([[1, 2]]))).rejects.toThrow(ShapeError);
    await expect(new PCA({ nComponents: 2 }).fit(matrixSource([[1, 2]]))).rejects.toThrow(/the source gave 1 row \(shape \[1, 2\]\); at least 2 samples are needed/);
    await expect(new PCA({ nComponents: 17 }).fit(matrixSource(X))).rejects.toThrow(/nComponents must be <= min\(nSamples, nFeatures\) = 16 \(got 17\)/);
  });
});

describe('PPCA.fit(source)', () => {
  it('equals the in-memory closed form to 1e-9, bit-identically across runs', async () => {
    const memory = new PPCA({ nComponents: 3 }).fit(X);
    const a = await new PPCA({ nComponents: 3 }).fit(matrixSource(X, { batchSize: 41 }));
    const b = await new PPCA({ nComponents: 3 }).fit(matrixSource(X, { batchSize: 41 }));
    expect(a.toBytes()).toEqual(b.toBytes());
    expect(rel(a.components.data, memory.components.data)).toBeLessThan(1e-9);
    expect(Math.abs(a.noiseVariance - memory.noiseVariance) / memory.noiseVariance).toBeLessThan(1e-9);
    expect(rel(a.mean, memory.mean)).toBeLessThan(1e-13);
    expect(Math.abs(a.score(X) - memory.score(X)) / Math.abs(memory.score(X))).toBeLessThan(1e-9);
  });

  it('rejects EM, missing values and nComponents >= nFeatures; a failing source changes nothing', async () => {
    await expect(new PPCA({ nComponents: 2, method: 'em' }).fit(matrixSource(X))).rejects.toThrow(/only method 'closed-form' can do \(got method 'em'\)/);
    await expect(new PPCA({ nComponents: 16 }).fit(matrixSource(X))).rejects.toThrow(/PPCA requires nComponents < nFeatures \(got 16 ≥ 16\)/);
    const m = new PPCA({ nComponents: 2 }).fit(X);
    const before = m.toBytes();
    await expect(m.fit([{ data: X.data.subarray(0, 32), shape: [2, 16] }, { data: new Float64Array(3), shape: [1, 3] }])).rejects.toThrow(/batch 1 \(rows 2…2\) has 3 columns/);
    expect(m.toBytes()).toEqual(before);
  });
});

describe('PCA from a streamed IDX file', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'latent-ts-pca-idx-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('equals PCA and IncrementalPCA on the loaded file', async () => {
    const bytes = idxBytes([300, 4, 5], pixels(300 * 20, 9).map((v, i) => (v * (1 + (i % 7))) % 256));
    const path = join(dir, 'images.gz');
    await writeFile(path, await gzip(bytes));
    const loaded = await loadIdx(bytes);
    if (loaded.kind !== 'images') throw new Error('expected images');
    const source = idxSource(path, { batchSize: 64, chunkBytes: 500 });
    const streamed = await new PCA({ nComponents: 5 }).fit(source);
    comparePCA(streamed, new PCA({ nComponents: 5, solver: 'covariance', precision: 'float64' }).fit(loaded));
    const ipca = await new IncrementalPCA({ nComponents: 5, batchSize: 100 }).fit(source);
    expect(bytesOf(ipca.components)).toEqual(bytesOf(new IncrementalPCA({ nComponents: 5, batchSize: 100 }).fit(loaded).components));
  });
});
