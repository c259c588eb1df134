/**
 * The codebook pieces of the VQ-VAE: quantisation equals brute-force nearest codes, the two
 * losses send their gradients to the right side, the EMA update equals its formula (and its
 * first update sets each used code to the mean of its rows), and the usage statistics.
 */
import { describe, expect, it } from 'vitest';
import { nearestCodesReference } from '../../../src/kernels/nearest-code.js';
import { Rng } from '../../../src/random/rng.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { assignmentStats, codeUsage, emaState, emaUpdate, quantize, vqLosses } from '../../../src/models/neural/vq-codebook.js';

function randn(shape: number[], seed: number, requiresGrad = false): Tensor {
  return Tensor.randn(shape, new Rng(seed), { dtype: 'float64', requiresGrad });
}

describe('quantize', () => {
  it('gives the brute-force nearest codes and their codebook rows', () => {
    for (const [rows, K, d] of [[1, 1, 1], [7, 5, 3], [300, 64, 9]]) {
      const ze = randn([rows, d], rows);
      const E = randn([K, d], K + 1);
      const { codes, zq } = quantize(ze, E);
      expect(Array.from(codes)).toEqual(Array.from(nearestCodesReference(ze.data, rows, E.data, K, d)));
      for (let i = 0; i < rows; i++) expect(Array.from(zq.data.subarray(i * d, (i + 1) * d))).toEqual(Array.from(E.data.subarray(codes[i] * d, (codes[i] + 1) * d)));
    }
  });

  it('a non-finite row gets code −1 and code 0 in z_q, so the losses are NaN', () => {
    const ze = randn([3, 2], 1);
    ze.data[2] = NaN;
    const E = randn([4, 2], 2);
    const { codes, zq } = quantize(ze, E);
    expect(codes[1]).toBe(-1);
    expect(Array.from(zq.data.subarray(2, 4))).toEqual(Array.from(E.data.subarray(0, 2)));
    expect(vqLosses(ze, zq, 3, 0.25).commitment.item()).toBeNaN();
  });
});

describe('vqLosses', () => {
  it('codebook loss ‖sg[z] − e‖² reaches only the codebook, commitment β‖z − sg[e]‖² only z', () => {
    const n = 5;
    const ze = randn([n * 2, 3], 3, true);
    const E = randn([4, 3], 4, true);
    const { codes, zq } = quantize(ze, E);
    const beta = 0.25;
    const { codebook, commitment } = vqLosses(ze, zq, n, beta);
    let sq = 0;
    for (let i = 0; i < ze.data.length; i++) sq += (ze.data[i] - zq.data[i]) ** 2;
    expect(codebook.item()).toBeCloseTo(sq / n, 12);
    expect(commitment.item()).toBeCloseTo((beta * sq) / n, 12);
    codebook.backward();
    expect(ze.grad).toBeNull();
    // d/de_k Σ_{i: code k} ‖z_i − e_k‖² / n = 2 Σ (e_k − z_i) / n.
    const expected = new Float64Array(E.data.length);
    for (let i = 0; i < codes.length; i++) for (let j = 0; j < 3; j++) expected[codes[i] * 3 + j] += (2 * (E.data[codes[i] * 3 + j] - ze.data[i * 3 + j])) / n;
    Array.from(E.grad!.data).forEach((g, i) => expect(g).toBeCloseTo(expected[i], 12));
    const E2 = randn([4, 3], 4, true);
    const ze2 = randn([n * 2, 3], 3, true);
    const q2 = quantize(ze2, E2);
    vqLosses(ze2, q2.zq, n, beta).commitment.backward();
    expect(E2.grad).toBeNull();
    Array.from(ze2.grad!.data).forEach((g, i) => expect(g).toBeCloseTo((2 * beta * (ze2.data[i] - q2.zq.data[i])) / n, 12));
  });
});

/** The formula of emaUpdate written out again, one step, in plain arithmetic. */
function emaByFormula(N: number[], m: number[][], t: number, counts: number[], sums: number[][], gamma: number, eps: number) {
  const N1 = N.map((v, k) => gamma * v + (1 - gamma) * counts[k]);
  const m1 = m.map((row, k) => row.map((v, j) => gamma * v + (1 - gamma) * sums[k][j]));
  const bias = 1 - gamma ** (t + 1);
  const Nhat = N1.map((v) => v / bias);
  const total = Nhat.reduce((a, b) => a + b, 0);
  const K = N.length;
  const e = m1.map((row, k) => row.map((v) => v / bias / (((Nhat[k] + eps) / (total + K * eps)) * total)));
  return { N1, m1, e };
}

describe('emaUpdate', () => {
  it('equals the zero-debiased, Laplace-smoothed formula over several steps', () => {
    const K = 5;
    const d = 3;
    const gamma = 0.9;
    const eps = 1e-3;
    const state = emaState(K, d);
    const codebook = new Float64Array(K * d);
    let N = new Array<number>(K).fill(0);
    let m = Array.from({ length: K }, () => new Array<number>(d).fill(0));
    for (let step = 0; step < 4; step++) {
      const ze = randn([12, d], 10 + step);
      const codes = Int32Array.from({ length: 12 }, (_, i) => (i * (step + 1)) % (K - 1)); // code K−1 never used
      const stats = assignmentStats(ze.data, codes, K, d);
      const counts = Array.from(stats.counts);
      const sums = Array.from({ length: K }, (_, k) => Array.from(stats.sums.subarray(k * d, (k + 1) * d)));
      const want = emaByFormula(N, m, step, counts, sums, gamma, eps);
      emaUpdate(state, stats, codebook, gamma, eps);
      for (let k = 0; k < K; k++) {
        expect(state.clusterSize[k]).toBeCloseTo(want.N1[k], 12);
        for (let j = 0; j < d; j++) expect(codebook[k * d + j]).toBeCloseTo(want.e[k][j], 10);
      }
      N = want.N1;
      m = want.m1;
    }
    expect(state.updates).toBe(4);
    expect(Array.from(codebook.subarray((K - 1) * d))).toEqual([0, 0, 0]);
  });

  it('the first update sets each used code to (nearly, by ε) the mean of its rows', () => {
    const ze = randn([9, 2], 7);
    const codes = Int32Array.from([0, 1, 0, 2, 1, 0, 2, 2, 2]);
    const codebook = new Float32Array(6);
    emaUpdate(emaState(3, 2), assignmentStats(ze.data, codes, 3, 2), codebook, 0.99, 1e-9);
    for (let k = 0; k < 3; k++) {
      for (let j = 0; j < 2; j++) {
        let s = 0;
        let c = 0;
        codes.forEach((v, i) => { if (v === k) { s += ze.data[i * 2 + j]; c++; } });
        expect(codebook[k * 2 + j]).toBeCloseTo(s / c, 5);
      }
    }
  });
});

describe('codeUsage', () => {
  it('counts, used codes and the perplexity exp(H)', () => {
    const u = codeUsage(Int32Array.from([0, 0, 1, 3, -1]), 4);
    expect(Array.from(u.counts)).toEqual([2, 1, 0, 1]);
    expect(u.used).toBe(3);
    expect(u.perplexity).toBeCloseTo(Math.exp(-(0.5 * Math.log(0.5) + 2 * 0.25 * Math.log(0.25))), 12);
    expect(codeUsage(Int32Array.from([2, 2, 2]), 4).perplexity).toBe(1);
    expect(codeUsage(Int32Array.from([0, 1, 2, 3]), 4).perplexity).toBeCloseTo(4, 12);
    expect(codeUsage(new Int32Array(0), 4).perplexity).toBe(0);
  });
});
