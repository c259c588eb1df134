/**
 * The multiplicative updates never increase their objective (Lee & Seung 2001 for β = 1, 2;
 * Févotte & Idier 2011 with the exponent γ for other β), with or without missing entries, and
 * with the penalties where the update is the exact minimiser of its auxiliary function
 * (L1 and L2 for β = 2, L1 for β = 1; for other β the penalised step is scikit-learn's
 * heuristic and is not claimed monotone).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readNmfData } from '../../../src/models/decomposition/nmf-data.js';
import { randomInit } from '../../../src/models/decomposition/nmf-init.js';
import { objective, penalties } from '../../../src/models/decomposition/nmf-loss.js';
import { flushTiny, muGamma, muUpdateH, muUpdateW } from '../../../src/models/decomposition/nmf-mu.js';
import { Rng } from '../../../src/random/rng.js';
import { seedArb } from '../../helpers/arbitraries.js';

const caseArb = fc.record({
  n: fc.integer({ min: 1, max: 9 }),
  d: fc.integer({ min: 1, max: 9 }),
  k: fc.integer({ min: 1, max: 4 }),
  beta: fc.constantFrom(2, 1, 0, 0.5, 1.5, 3, -0.5),
  holes: fc.boolean(),
  penalised: fc.boolean(),
  seed: seedArb,
});

describe("the 'mu' updates", () => {
  it('never increase the objective (each half-step), for any β, with and without holes', () => {
    fc.assert(
      fc.property(caseArb, ({ n, d, k, beta, holes, penalised, seed }) => {
        const rng = new Rng(seed);
        // β ≤ 0 needs X > 0; otherwise about a fifth of the entries are exact zeros.
        const x = Float64Array.from({ length: n * d }, () => (beta > 0 && rng.uniform() < 0.2 ? 0 : 0.1 + 2 * rng.uniform()));
        if (holes) for (let i = 0; i < x.length; i++) if (rng.uniform() < 0.25) x[i] = NaN;
        if (x.every((v) => Number.isNaN(v))) x[0] = 1;
        const data = readNmfData({ data: x, shape: [n, d] }, 'test');
        const { W, H } = randomInit(data, k, rng.fork('init'));
        const alpha = penalised && (beta === 2 || beta === 1) ? 0.05 : 0;
        const reg = penalties(n, d, alpha, alpha, beta === 1 ? 1 : rng.uniform());
        const gamma = muGamma(beta);
        let last = objective(data, W, H, k, beta, reg);
        const slack = (v: number) => 1e-10 * Math.abs(v) + 1e-12;
        for (let it = 0; it < 25; it++) {
          // The solver's loop (nmf-mu.ts fitMultiplicative), flushes included.
          muUpdateW(data, W, H, k, beta, gamma, reg, null);
          if (beta < 1) flushTiny(W);
          const afterW = objective(data, W, H, k, beta, reg);
          expect(afterW, `iteration ${it}, W step`).toBeLessThanOrEqual(last + slack(last));
          muUpdateH(data, W, H, k, beta, gamma, reg);
          if (beta <= 1) flushTiny(H);
          const afterH = objective(data, W, H, k, beta, reg);
          expect(afterH, `iteration ${it}, H step`).toBeLessThanOrEqual(afterW + slack(afterW));
          last = afterH;
        }
        for (const v of [...W, ...H]) expect(v).toBeGreaterThanOrEqual(0);
      }),
      { seed: 19, numRuns: 80 },
    );
  });
});
