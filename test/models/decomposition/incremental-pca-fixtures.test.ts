/**
 * IncrementalPCA against scikit-learn's IncrementalPCA on the same data and batches
 * (test/fixtures/incremental-pca/incremental-pca.json, written by
 * scripts/fixtures/incremental-pca.py with Debian's python3-sklearn).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IncrementalPCA, type IncrementalPCAOptions } from '../../../src/models/decomposition/incremental-pca.js';
import { matrixSource } from '../../../src/io/row-source.js';
import { bytesOf, maxAbs, maxAbsDiff, type Mat } from './pca-fixtures.js';

interface Expected {
  components: number[];
  singularValues: number[];
  explainedVariance: number[];
  explainedVarianceRatio: number[];
  mean: number[];
  variance: number[];
  noiseVariance: number;
  nSamplesSeen: number;
  nComponents: number;
  transformHead: number[];
  inverseHead: number[];
  scoreSamplesHead?: number[];
  score?: number;
  batchSize?: number;
  covarianceDiagonal?: number[];
}

interface Case {
  name: string;
  data: 'random' | 'digits';
  options: { n_components?: number; batch_size?: number; whiten?: boolean };
  fit: 'fit' | 'partial';
  batches?: number[];
  expected: Expected;
}

interface Fixture {
  data: Record<string, { shape: [number, number]; scale: number; ints: number[] }>;
  cases: Case[];
}

const fixture = JSON.parse(readFileSync(join(__dirname, '../../fixtures/incremental-pca/incremental-pca.json'), 'utf8')) as Fixture;

function dataOf(name: string, rows: number): Mat {
  const { shape, scale, ints } = fixture.data[name];
  const d = shape[1];
  const data = Float64Array.from(ints.slice(0, rows * d), (v) => v / scale);
  return { data, shape: [rows, d] };
}

function optionsOf(c: Case): IncrementalPCAOptions {
  return { nComponents: c.options.n_components ?? null, batchSize: c.options.batch_size ?? null, whiten: c.options.whiten ?? false };
}

function rowsOf(x: Mat, r0: number, r1: number): Mat {
  const d = x.shape[1];
  return { data: x.data.slice(r0 * d, r1 * d), shape: [r1 - r0, d] };
}

/** Relative max difference: max|a − e| / max(max|e|, 1e-300). */
function rel(a: ArrayLike<number>, e: ArrayLike<number>): number {
  return maxAbsDiff(a, e) / Math.max(maxAbs(e), 1e-300);
}

function fitCase(c: Case): { model: IncrementalPCA; x: Mat } {
  const n = c.expected.nSamplesSeen;
  const x = dataOf(c.data, n);
  const model = new IncrementalPCA(optionsOf(c));
  if (c.fit === 'fit') {
    model.fit(x);
  } else {
    let start = 0;
    for (const size of c.batches!) {
      model.partialFit(rowsOf(x, start, start + size));
      start += size;
    }
  }
  return { model, x };
}

describe('IncrementalPCA equals scikit-learn IncrementalPCA (fixture)', () => {
  for (const c of fixture.cases) {
    it(`${c.name}: attributes, transform, inverse, covariance and score to 1e-9`, () => {
      const { model, x } = fitCase(c);
      const e = c.expected;
      const k = e.nComponents;
      const d = x.shape[1];
      expect(model.nComponentsFitted).toBe(k);
      expect(model.nSamplesSeen).toBe(e.nSamplesSeen);
      if (e.batchSize !== undefined) expect(model.batchSizeFitted).toBe(e.batchSize);
      const stored = e.components.length / d;
      expect(rel(model.components.data.subarray(0, stored * d), e.components)).toBeLessThan(1e-9);
      expect(rel(model.singularValues, e.singularValues)).toBeLessThan(1e-9);
      expect(rel(model.explainedVariance, e.explainedVariance)).toBeLessThan(1e-9);
      expect(rel(model.explainedVarianceRatio, e.explainedVarianceRatio)).toBeLessThan(1e-9);
      expect(rel(model.mean, e.mean)).toBeLessThan(1e-12);
      expect(rel(model.variance, e.variance)).toBeLessThan(1e-12);
      expect(Math.abs(model.noiseVariance - e.noiseVariance)).toBeLessThanOrEqual(1e-9 * Math.max(e.noiseVariance, 1e-300));
      const head = rowsOf(x, 0, 5);
      const z = model.transform(head);
      expect(rel(z.data, e.transformHead)).toBeLessThan(1e-9);
      const back = model.inverseTransform({ data: (z.data as Float64Array).slice(0, 2 * k), shape: [2, k] });
      expect(rel(back.data, e.inverseHead)).toBeLessThan(1e-9);
      if (e.covarianceDiagonal !== undefined) {
        const cov = model.getCovariance().data;
        const diag = Float64Array.from({ length: d }, (_, j) => cov[j * d + j]);
        expect(rel(diag, e.covarianceDiagonal)).toBeLessThan(1e-9);
      }
      if (e.score !== undefined) {
        expect(rel(model.scoreSamples(head).data, e.scoreSamplesHead!)).toBeLessThan(1e-9);
        expect(Math.abs(model.score(x) - e.score) / Math.abs(e.score)).toBeLessThan(1e-9);
      }
    });
  }

  it('fit from a source equals fit of the matrix, bit for bit, however the source cuts its rows', async () => {
    for (const c of fixture.cases.filter((cc) => cc.fit === 'fit')) {
      const { model, x } = fitCase(c);
      for (const cut of [1, 7, 50, 1000]) {
        const streamed = await new IncrementalPCA(optionsOf(c)).fit(matrixSource(x, { batchSize: cut }));
        expect(bytesOf(streamed.components), `${c.name}, source batches of ${cut}`).toEqual(bytesOf(model.components));
        expect(bytesOf(streamed.singularValues)).toEqual(bytesOf(model.singularValues));
        expect(bytesOf(streamed.variance)).toEqual(bytesOf(model.variance));
        expect(streamed.noiseVariance).toBe(model.noiseVariance);
        expect(streamed.batchSizeFitted).toBe(model.batchSizeFitted);
      }
    }
  });
});
