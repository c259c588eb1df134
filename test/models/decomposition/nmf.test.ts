/**
 * NMF's behaviour: W and H stay non-negative, 'cd' ends at a KKT point, transform of the
 * training rows gives back the fitted codes, the starts follow their definitions, and the saved
 * forms round-trip bit for bit.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NMF, type NMFOptions } from '../../../src/models/decomposition/nmf.js';
import { modelFromState } from '../../../src/models/registry.js';
import { bytesOf, lowRankNonNegative, relMaxDiff } from './nmf-fixtures.js';

const { X } = lowRankNonNegative(30, 12, 4, 'nmf', 0.3, 0.01);

/** max over entries of the projected gradient of ½‖X − WH‖² in W (min(g, 0) where W = 0). */
function projectedGradientW(x: Float64Array, W: Float64Array, H: Float64Array, n: number, d: number, k: number): number {
  let worst = 0;
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < k; t++) {
      let g = 0;
      for (let j = 0; j < d; j++) {
        let y = 0;
        for (let r = 0; r < k; r++) y += W[i * k + r] * H[r * d + j];
        g += (y - x[i * d + j]) * H[t * d + j];
      }
      const pg = W[i * k + t] === 0 ? Math.min(g, 0) : g;
      worst = Math.max(worst, Math.abs(pg));
    }
  }
  return worst;
}

describe('NMF', () => {
  const settings: NMFOptions[] = [
    { solver: 'cd', init: 'nndsvd' }, { solver: 'cd', init: 'random', seed: 3 }, { solver: 'cd', init: 'nndsvdar', alphaW: 0.01, l1Ratio: 0.5 },
    { solver: 'mu', init: 'nndsvda' }, { solver: 'mu', betaLoss: 'kullback-leibler' }, { solver: 'mu', betaLoss: 'itakura-saito', init: 'random' },
    { solver: 'mu', betaLoss: 0.5, init: 'nndsvdar' }, { solver: 'mu', betaLoss: 3 },
  ];
  it.each(settings.map((o) => [JSON.stringify(o), o] as const))('keeps W and H non-negative and finite: %s', (_, o) => {
    const nmf = new NMF({ nComponents: 4, ...o });
    const W = nmf.fitTransform(X).data;
    const H = nmf.components.data;
    for (const v of [...W, ...H]) expect(v >= 0 && Number.isFinite(v)).toBe(true);
    expect(Number.isFinite(nmf.reconstructionError)).toBe(true);
    expect(nmf.nIter).toBeGreaterThanOrEqual(1);
    expect(nmf.nIter).toBeLessThanOrEqual(200);
    expect(nmf.converged).toBe(nmf.nIter < 200);
  });

  it("'cd' ends at a KKT point: the projected gradient shrinks by the tolerance's order", () => {
    const nmf = new NMF({ nComponents: 4, init: 'nndsvda', tol: 1e-9, maxIter: 5000 });
    const W = nmf.fitTransform(X).data as Float64Array;
    const H = nmf.components.data as Float64Array;
    expect(nmf.converged).toBe(true);
    const start = new NMF({ nComponents: 4, init: 'nndsvda', maxIter: 1 });
    const W1 = start.fitTransform(X).data as Float64Array;
    const before = projectedGradientW(X.data, W1, start.components.data as Float64Array, 30, 12, 4);
    const after = projectedGradientW(X.data, W, H, 30, 12, 4);
    expect(after).toBeLessThan(1e-6 * before);
  });

  it('transform of the training rows gives the fitted codes (H fixed, same solver)', () => {
    for (const solver of ['cd', 'mu'] as const) {
      const nmf = new NMF({ nComponents: 4, solver, init: 'nndsvda', tol: 1e-10, maxIter: solver === 'cd' ? 5000 : 20000 });
      const W = nmf.fitTransform(X).data;
      expect(relMaxDiff(nmf.transform(X).data, W), solver).toBeLessThan(solver === 'cd' ? 1e-6 : 1e-3);
      expect(relMaxDiff(nmf.encode(X).data, W), solver).toBeLessThan(solver === 'cd' ? 1e-6 : 1e-3);
    }
  });

  it('inverseTransform is W·H, reconstruct is inverseTransform(transform(X)), fit returns this', () => {
    const nmf = new NMF({ nComponents: 3 });
    expect(nmf.fit(X)).toBe(nmf);
    const Z = nmf.transform(X);
    const H = nmf.components.data;
    const back = nmf.inverseTransform(Z).data;
    const z = Z.data;
    for (let i = 0; i < 30; i++) {
      for (let j = 0; j < 12; j++) {
        let s = 0;
        for (let t = 0; t < 3; t++) s += z[i * 3 + t] * H[t * 12 + j];
        expect(back[i * 12 + j]).toBeCloseTo(s, 12);
      }
    }
    expect(bytesOf(nmf.reconstruct(X).data)).toEqual(bytesOf(back));
    expect(bytesOf(nmf.decode(Z).data)).toEqual(bytesOf(back));
  });

  it('fit and transform leave X untouched (with and without holes)', () => {
    const holed = { data: X.data.map((v, i) => (i % 7 === 3 ? NaN : v)), shape: X.shape };
    for (const input of [X, holed]) {
      const before = input.data.slice();
      const nmf = new NMF({ nComponents: 3, solver: 'mu', maxIter: 20 }).fit(input);
      nmf.transform(input);
      expect(bytesOf(input.data)).toEqual(bytesOf(before));
    }
  });

  it('reconstructionError is ‖X − WH‖_F for Frobenius', () => {
    const nmf = new NMF({ nComponents: 3 });
    const back = nmf.inverseTransform(nmf.fitTransform(X)).data;
    let s = 0;
    for (let i = 0; i < back.length; i++) s += (X.data[i] - back[i]) ** 2;
    expect(nmf.reconstructionError).toBeCloseTo(Math.sqrt(s), 12);
  });

  it('defaults: nComponents = nFeatures, init nndsvda when k <= min(n, d), else random', () => {
    const small = lowRankNonNegative(5, 3, 2, 'small', 0.1).X;
    expect(new NMF().fit(small).latentDim).toBe(3);
    const wide = new NMF({ nComponents: 4, seed: 1 }).fit(small); // k > min(n, d): random start
    expect(wide.latentDim).toBe(4);
    const o = new NMF().options;
    expect(o).toEqual({ nComponents: null, init: null, solver: 'cd', betaLoss: 'frobenius', tol: 1e-4, maxIter: 200, seed: 0, alphaW: 0, alphaH: 'same', l1Ratio: 0 });
  });

  it('seeded starts are reproducible and depend on the seed; custom starts are used as given', () => {
    const fit = (o: NMFOptions) => new NMF({ nComponents: 3, maxIter: 5, ...o }).fit(X).components.data;
    for (const init of ['random', 'nndsvdar'] as const) {
      expect(bytesOf(fit({ init, seed: 7 }))).toEqual(bytesOf(fit({ init, seed: 7 })));
      expect(bytesOf(fit({ init, seed: 7 }))).not.toEqual(bytesOf(fit({ init, seed: 8 })));
    }
    const W0 = Array.from({ length: 30 }, (_, i) => [1 + (i % 3), 1, 0.5]);
    const H0 = [Array(12).fill(0.2), Array(12).fill(0.1), Array.from({ length: 12 }, (_, j) => j / 12)];
    const a = new NMF({ nComponents: 3, init: 'custom', maxIter: 1 }).fit(X, { W: W0, H: H0 });
    const b = new NMF({ nComponents: 3, init: 'custom', maxIter: 1 }).fit(X, { W: W0.map((r) => r.map((v) => v * 2)), H: H0 });
    expect(bytesOf(a.components.data)).not.toEqual(bytesOf(b.components.data));
    expect(W0[0]).toEqual([1, 1, 0.5]); // inputs are not modified
  });

  it('save/load, bytes and JSON round-trip bit for bit (fitted and unfitted)', async () => {
    const nmf = new NMF({ nComponents: 3, solver: 'mu', betaLoss: 1.5, alphaH: 0.1, seed: 'x' }).fit(X);
    const again = NMF.fromBytes(nmf.toBytes());
    expect(again.toBytes()).toEqual(nmf.toBytes());
    expect(bytesOf(again.components.data)).toEqual(bytesOf(nmf.components.data));
    expect(again.reconstructionError).toBe(nmf.reconstructionError);
    expect([again.nIter, again.converged, again.nSamples, again.nFeatures]).toEqual([nmf.nIter, nmf.converged, 30, 12]);
    expect(again.options).toEqual(nmf.options);
    expect(bytesOf(again.transform(X).data)).toEqual(bytesOf(nmf.transform(X).data));
    const viaJSON = NMF.fromJSON(JSON.stringify(nmf));
    expect(viaJSON.toBytes()).toEqual(nmf.toBytes());
    const viaRegistry = modelFromState(nmf.toState());
    expect(viaRegistry.type).toBe('NMF');
    const dir = mkdtempSync(join(tmpdir(), 'latent-ts-nmf-'));
    try {
      await nmf.save(join(dir, 'nmf.safetensors'));
      const loaded = await NMF.load(join(dir, 'nmf.safetensors'));
      expect(loaded.toBytes()).toEqual(nmf.toBytes());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const unfitted = NMF.fromBytes(new NMF({ nComponents: 2 }).toBytes());
    expect(unfitted.isFitted).toBe(false);
    expect(unfitted.options.nComponents).toBe(2);
  });
});
