/**
 * NMF with missing values: NaN entries are left out of the objective (nmf-mu.ts, nmf-cd.ts),
 * a low-rank non-negative matrix is recovered at its holes, and a mask of all ones gives the
 * unweighted fit.
 */
import { describe, expect, it } from 'vitest';
import { NMF } from '../../../src/models/decomposition/nmf.js';
import { fitCoordinateDescent } from '../../../src/models/decomposition/nmf-cd.js';
import { nndsvdInit } from '../../../src/models/decomposition/nmf-init.js';
import { betaDivergence, penalties, type NmfData } from '../../../src/models/decomposition/nmf-loss.js';
import { fitMultiplicative } from '../../../src/models/decomposition/nmf-mu.js';
import { lowRankNonNegative, relMaxDiff, withHoles, type NmfMatrix } from './nmf-fixtures.js';

/** max |column mean − x| over the holes, relative to the largest entry: the naive fill's error. */
function columnMeanError(holed: NmfMatrix, full: NmfMatrix): number {
  const [n, d] = full.shape;
  let worst = 0;
  let scale = 0;
  for (let j = 0; j < d; j++) {
    let s = 0;
    let c = 0;
    for (let i = 0; i < n; i++) if (!Number.isNaN(holed.data[i * d + j])) { s += holed.data[i * d + j]; c++; }
    for (let i = 0; i < n; i++) {
      scale = Math.max(scale, full.data[i * d + j]);
      if (Number.isNaN(holed.data[i * d + j])) worst = Math.max(worst, Math.abs(s / c - full.data[i * d + j]));
    }
  }
  return worst / scale;
}

describe('NMF with missing values', () => {
  const { X } = lowRankNonNegative(40, 15, 3, 'holes');
  const holed = withHoles(X, 0.2, 'where');
  const missing = [...holed.data.keys()].filter((i) => Number.isNaN(holed.data[i]));

  it.each(['cd', 'mu'] as const)("recovers the missing entries of a rank-3 matrix (solver '%s')", (solver) => {
    const nmf = new NMF({ nComponents: 3, solver, init: 'nndsvda', tol: 1e-12, maxIter: solver === 'cd' ? 3000 : 20000 });
    const W = nmf.fitTransform(holed);
    expect(nmf.nMissing).toBe(missing.length);
    expect(missing.length).toBeGreaterThan(80);
    const filled = nmf.inverseTransform(W).data;
    let worst = 0;
    let scale = 0;
    for (const i of missing) {
      worst = Math.max(worst, Math.abs(filled[i] - X.data[i]));
      scale = Math.max(scale, X.data[i]);
    }
    // Filling each hole with its column's observed mean is off by far more: the bound means
    // something. Measured: 1.4e-3 (cd, 3000 iterations) and 7.8e-4 (mu, 20,000) of the largest
    // entry, against 0.37 for the column means; both solvers converge slowly on exact low rank.
    expect(worst / scale).toBeLessThan(1e-2);
    expect(worst / scale).toBeLessThan(columnMeanError(holed, X) / 50);
    // The fit error is taken over the observed entries only, where the fit is near exact.
    expect(nmf.reconstructionError).toBeLessThan(1e-2);
    // transform and reconstruct accept holes too, and fill them the same way.
    expect(relMaxDiff(nmf.reconstruct(holed).data, filled)).toBeLessThan(1e-3);
  });

  it.each(['cd', 'mu'] as const)("a row or column with nothing observed stays finite and non-negative (solver '%s')", (solver) => {
    const { X: Y } = lowRankNonNegative(8, 5, 2, 'empty', 0.1);
    const data = Y.data.slice();
    data.fill(NaN, 2 * 5, 3 * 5); // row 2
    for (let i = 0; i < 8; i++) data[i * 5 + 4] = NaN; // column 4
    const nmf = new NMF({ nComponents: 2, solver });
    const W = nmf.fitTransform({ data, shape: [8, 5] }).data;
    for (const v of [...W, ...nmf.components.data]) expect(v >= 0 && Number.isFinite(v)).toBe(true);
    expect(Number.isFinite(nmf.reconstructionError)).toBe(true);
    expect(nmf.nMissing).toBe(5 + 7);
  });

  it('a mask of all ones gives the unweighted fit (both solvers, every loss)', () => {
    const { X: Y } = lowRankNonNegative(12, 7, 3, 'full', 0.2, 0.05);
    const plain: NmfData = { x: Y.data, n: 12, d: 7, mask: null };
    const masked: NmfData = { ...plain, mask: new Uint8Array(12 * 7).fill(1) };
    const reg = penalties(12, 7, 0.01, 0.02, 0.4);
    const runs = [
      { solver: 'cd', beta: 2 }, { solver: 'mu', beta: 2 }, { solver: 'mu', beta: 1 },
      { solver: 'mu', beta: 0 }, { solver: 'mu', beta: 1.5 }, { solver: 'mu', beta: 3 },
    ] as const;
    for (const { solver, beta } of runs) {
      const results = [plain, masked].map((data) => {
        const { W, H } = nndsvdInit(data, 3, 'nndsvda', 0);
        const s = { beta, tol: 0, maxIter: 50, reg, updateH: true };
        if (solver === 'cd') fitCoordinateDescent(data, W, H, 3, s);
        else fitMultiplicative(data, W, H, 3, s);
        return { W, H, loss: betaDivergence(data, W, H, 3, beta) };
      });
      const what = `${solver} β=${beta}`;
      expect(relMaxDiff(results[1].W, results[0].W), what).toBeLessThan(1e-10);
      expect(relMaxDiff(results[1].H, results[0].H), what).toBeLessThan(1e-10);
      expect(Math.abs(results[1].loss - results[0].loss), what).toBeLessThanOrEqual(1e-10 * results[0].loss);
    }
  });

  it('without NaN, fit takes the unweighted path (bit for bit)', () => {
    const { X: Y } = lowRankNonNegative(10, 6, 2, 'same', 0.1);
    for (const solver of ['cd', 'mu'] as const) {
      const nmf = new NMF({ nComponents: 2, solver, init: 'nndsvda' }).fit(Y);
      expect(nmf.nMissing).toBe(0);
      const data: NmfData = { x: Y.data.slice(), n: 10, d: 6, mask: null };
      const { W, H } = nndsvdInit(data, 2, 'nndsvda', 0);
      const s = { beta: 2, tol: 1e-4, maxIter: 200, reg: penalties(10, 6, 0, 0, 0), updateH: true };
      if (solver === 'cd') fitCoordinateDescent(data, W, H, 2, s);
      else fitMultiplicative(data, W, H, 2, s);
      expect(nmf.components.data, solver).toEqual(H);
    }
  });
});
