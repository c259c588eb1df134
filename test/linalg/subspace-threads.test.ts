/**
 * Block subspace iteration (src/linalg/subspace.ts) gives the same bytes on 1, 2 and 3 threads,
 * where its block, matrix and small factors live in the shared pool's memory and its products
 * run there in place (kernels/threads/resident-f32.ts): an odd order whose block products are
 * above the parallel threshold while its m×m Gram products are below it, and an order where
 * every product (A·V, VᵀV, W·Y and the final p-column orthonormalisation) is above it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { setThreads, threadPool, threadsSupported } from '../../src/kernels/threads/threads.js';
import { subspaceEigen } from '../../src/linalg/subspace.js';
import { Rng } from '../../src/random/rng.js';

/** G·diag(0.97^2i)·Gᵀ for a Gaussian n×n G: a positive definite matrix with a decaying spectrum. */
function decaying(n: number, seed: string): Float64Array {
  const rng = new Rng(seed);
  const g = new Float64Array(n * n);
  for (let i = 0; i < g.length; i++) g[i] = rng.normal() * 0.97 ** (i % n);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let t = 0; t < n; t++) s += g[i * n + t] * g[j * n + t];
      a[i * n + j] = s;
      a[j * n + i] = s;
    }
  }
  return a;
}

function run(a: Float64Array, n: number, p: number, k: number, extra: number): Uint8Array[] {
  const r = subspaceEigen(a, n, p, k, { extra });
  expect(r).not.toBeNull();
  return [new Uint8Array(r!.values.buffer), new Uint8Array(r!.vectors.buffer), Uint8Array.of(r!.iterations)];
}

describe.skipIf(!threadsSupported())('subspaceEigen on threads', () => {
  afterAll(() => setThreads(1));

  it('gives the same bytes on 1, 2 and 3 threads', async () => {
    for (const [n, p, k, extra] of [[333, 13, 10, 40], [601, 56, 50, 32]]) {
      const a = decaying(n, `subspace-threads:${n}`);
      setThreads(1);
      const one = run(a, n, p, k, extra);
      for (const threads of [2, 3]) {
        setThreads(threads);
        await threadPool(threads, 1 << 20)?.ready();
        expect(run(a, n, p, k, extra), `${threads} threads, n ${n}`).toEqual(one);
      }
    }
  }, 120_000);
});
