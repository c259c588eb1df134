/**
 * IncrementalPCA: save/load mid-stream, one batch equals PCA, whitening round trip, and bad
 * inputs (errors name the method, the argument and the value; a failing source leaves the model
 * as it was).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IncrementalPCA } from '../../../src/models/decomposition/incremental-pca.js';
import { PCA } from '../../../src/models/decomposition/pca.js';
import { modelFromState } from '../../../src/models/registry.js';
import { matrixSource, type RowBatch } from '../../../src/io/row-source.js';
import { FormatError, NonFiniteError, NotFittedError, ShapeError } from '../../../src/errors.js';
import { bytesOf, maxAbsDiff, spectrumData, type Mat } from './pca-fixtures.js';

const X = spectrumData(240, 12, 'ipca', [30, 12, 5, 2], 0.05, 3);

function rows(x: Mat, r0: number, r1: number): Mat {
  const d = x.shape[1];
  return { data: x.data.slice(r0 * d, r1 * d), shape: [r1 - r0, d] };
}

function stateBytes(m: IncrementalPCA): Uint8Array {
  return m.toBytes();
}

describe('IncrementalPCA', () => {
  it('continues after save and load to the same bytes as an uninterrupted run', async () => {
    const cuts = [0, 40, 95, 150, 240];
    const straight = new IncrementalPCA({ nComponents: 3 });
    for (let i = 0; i + 1 < cuts.length; i++) straight.partialFit(rows(X, cuts[i], cuts[i + 1]));

    const dir = mkdtempSync(join(tmpdir(), 'ipca-'));
    try {
      let m = new IncrementalPCA({ nComponents: 3 });
      m.partialFit(rows(X, 0, 40)).partialFit(rows(X, 40, 95));
      await m.save(join(dir, 'mid.safetensors'));
      m = await IncrementalPCA.load(join(dir, 'mid.safetensors'));
      m.partialFit(rows(X, 95, 150));
      m = IncrementalPCA.fromJSON(JSON.stringify(m));
      m = IncrementalPCA.fromBytes(m.toBytes());
      m.partialFit(rows(X, 150, 240));
      expect(stateBytes(m)).toEqual(stateBytes(straight));
      expect(bytesOf(m.transform(X))).toEqual(bytesOf(straight.transform(X)));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is rebuilt by modelFromState through the registry', () => {
    const m = new IncrementalPCA({ nComponents: 2, batchSize: 60 }).fit(X);
    const again = modelFromState(m.toState());
    expect(again.type).toBe('IncrementalPCA');
    expect(again.toBytes()).toEqual(m.toBytes());
    const unfitted = modelFromState(new IncrementalPCA({ nComponents: 2 }).toState());
    expect(unfitted.isFitted).toBe(false);
  });

  it('with one batch holding every row is PCA', () => {
    const ipca = new IncrementalPCA({ nComponents: 4, batchSize: 1000 }).fit(X);
    const pca = new PCA({ nComponents: 4, solver: 'full' }).fit(X);
    expect(maxAbsDiff(ipca.components.data, pca.components.data)).toBeLessThan(1e-10);
    expect(maxAbsDiff(ipca.explainedVariance, pca.explainedVariance)).toBeLessThan(1e-10);
    expect(Math.abs(ipca.totalVariance - pca.totalVariance)).toBeLessThan(1e-10);
    expect(Math.abs(ipca.score(X) - pca.score(X))).toBeLessThan(1e-9);
  });

  it('whitened codes have unit variance and inverseTransform undoes them', () => {
    const m = new IncrementalPCA({ nComponents: 3, whiten: true, batchSize: 50 }).fit(X);
    const z = m.transform(X);
    const back = m.inverseTransform(z);
    const plain = new IncrementalPCA({ nComponents: 3, batchSize: 50 }).fit(X);
    expect(maxAbsDiff(back.data, plain.reconstruct(X).data)).toBeLessThan(1e-9);
    expect(maxAbsDiff(m.reconstruct(X).data, plain.reconstruct(X).data)).toBeLessThan(1e-9);
    expect(m.getCovariance().toArray()).toEqual(plain.getCovariance().toArray());
  });

  it('fit starts over; partialFit accumulates', () => {
    const m = new IncrementalPCA({ nComponents: 2, batchSize: 80 });
    m.fit(X);
    const once = m.toBytes();
    m.fit(X);
    expect(m.toBytes()).toEqual(once);
    m.partialFit(rows(X, 0, 10));
    expect(m.nSamplesSeen).toBe(250);
  });

  it('rejects bad options and batches by name', () => {
    expect(() => new IncrementalPCA({ nComponent: 2 } as never)).toThrow(/IncrementalPCA: unknown option 'nComponent'; did you mean 'nComponents'\?/);
    expect(() => new IncrementalPCA({ nComponents: 0 })).toThrow(/IncrementalPCA: nComponents must be an integer >= 1 \(got 0\)/);
    expect(() => new IncrementalPCA({ batchSize: 2.5 })).toThrow(/batchSize must be an integer >= 1 \(got 2.5\)/);
    expect(() => new IncrementalPCA({ whiten: 1 } as never)).toThrow(TypeError);
    const m = new IncrementalPCA({ nComponents: 3 });
    expect(() => m.transform(X)).toThrow(NotFittedError);
    expect(() => m.partialFit(rows(X, 0, 2))).toThrow(/IncrementalPCA.partialFit: nComponents = 3 exceeds the 2 rows of this batch \(shape \[2, 12\]\)/);
    expect(m.isFitted).toBe(false);
    expect(() => new IncrementalPCA({ nComponents: 13 }).partialFit(X)).toThrow(/nComponents = 13 exceeds nFeatures = 12/);
    m.partialFit(rows(X, 0, 20));
    const before = m.toBytes();
    expect(() => m.partialFit([[1, 2, 3]])).toThrow(ShapeError);
    expect(() => m.partialFit([[1, 2, 3]])).toThrow(/the batch has 3 features \(shape \[1, 3\]\), but the rows seen so far have 12/);
    expect(() => m.partialFit({ data: new Float64Array(36).fill(NaN), shape: [3, 12] })).toThrow(NonFiniteError);
    expect(m.toBytes()).toEqual(before);
    expect(() => new IncrementalPCA().partialFit(rows(X, 0, 1))).toThrow(/the first batch has 1 row \(shape \[1, 12\]\); at least 2 rows are needed to start/);
    const auto = new IncrementalPCA().partialFit(rows(X, 0, 5));
    expect(auto.nComponentsFitted).toBe(5);
    // As scikit-learn: with nComponents null, later batches keep k and may be shorter than it.
    expect(auto.partialFit(rows(X, 5, 9)).nComponentsFitted).toBe(5);
    expect(() => new IncrementalPCA({ nComponents: 3 }).fit(rows(X, 0, 2))).toThrow(/exceeds the 2 rows/);
  });

  it('a source that throws mid-way leaves the model as it was, with the error surfaced', async () => {
    const m = new IncrementalPCA({ nComponents: 2, batchSize: 30 }).fit(X);
    const before = m.toBytes();
    async function* failing(): AsyncGenerator<RowBatch> {
      yield rows(X, 0, 100);
      throw new Error('socket closed');
    }
    await expect(m.fit(failing())).rejects.toThrow('socket closed');
    expect(m.toBytes()).toEqual(before);
    const ragged: RowBatch[] = [rows(X, 0, 50), { data: new Float64Array(10), shape: [2, 5] }];
    await expect(m.fit(ragged)).rejects.toThrow(/IncrementalPCA.fit: batch 1 \(rows 50…51\) has 5 columns, but the earlier batches have 12/);
    expect(m.toBytes()).toEqual(before);
    async function* empty(): AsyncGenerator<RowBatch> {}
    await expect(new IncrementalPCA().fit(empty())).rejects.toThrow(/IncrementalPCA.fit: the source gave no rows/);
    await expect(new IncrementalPCA({ nComponents: 2 }).fit(matrixSource(rows(X, 0, 1)))).rejects.toThrow(/exceeds the 1 rows/);
  });

  it('rejects corrupt saved states by field', () => {
    const s = new IncrementalPCA({ nComponents: 2 }).fit(X).toState();
    const bad = { ...s, tensors: { ...s.tensors, variance: { shape: [3], data: new Float64Array(3) } } };
    expect(() => IncrementalPCA.fromState(bad)).toThrow(FormatError);
    expect(() => IncrementalPCA.fromState(bad)).toThrow(/tensor 'variance' has shape \[3\]/);
    expect(() => IncrementalPCA.fromState({ ...s, type: 'PCA' })).toThrow(/expected 'IncrementalPCA'/);
  });
});
