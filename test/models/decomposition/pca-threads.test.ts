/**
 * A mixed-precision PCA fit gives the same bytes on 1, 2 and 3 threads: PCA(10) on the built-in
 * digits (784 columns, several 1,024-row chunks), whose float32 Gram is shared out by chunks
 * (kernels/threads/gram-parallel.ts) and whose subspace iteration and Rayleigh–Ritz products are
 * above the parallel threshold (kernels/threads/gemm-parallel.ts). The digest covers the
 * components, mean, explained variances, singular values and noise variance; the pinned value
 * is the one the library computed before the Gram could run on threads, so the one-thread path
 * is unchanged too.
 */
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDigits } from '../../../src/data/digits.js';
import { getBackend, isWasmAvailable, setBackend } from '../../../src/kernels/backend.js';
import { setThreads, threadPool, threadsSupported } from '../../../src/kernels/threads/threads.js';
import { wasmGemm } from '../../../src/kernels/wasm/runtime.js';
import { PCA } from '../../../src/models/decomposition/pca.js';

/** The digest before this change, on the relaxed-SIMD kernel (fused multiply-add) this machine's Node runs. */
const PINNED_RELAXED = '3f8e28068e0f7fa44370764af58ba260cd0a1fd10caaafe75c6436bab5bdab82';

async function fitDigest(threads: number): Promise<{ digest: string; fittedWith: unknown; rows: number }> {
  setThreads(threads);
  // Let the shared pool's workers start, so the fit's Gram chunks and products really split.
  if (threads > 1) await threadPool(threads, 1 << 20)?.ready();
  const { train } = await loadDigits({ seed: 0 });
  const pca = new PCA({ nComponents: 10, solver: 'covariance', precision: 'mixed' }).fit(train);
  const hash = createHash('sha256');
  for (const a of [pca.components.data, pca.mean, pca.explainedVariance, pca.singularValues, Float64Array.of(pca.noiseVariance)]) {
    hash.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  }
  return { digest: hash.digest('hex'), fittedWith: pca.fittedWith, rows: train.shape[0] };
}

describe.skipIf(!isWasmAvailable())('a PCA fit on threads', () => {
  const saved = getBackend();
  afterAll(() => {
    setThreads(1);
    setBackend(saved);
  });

  it('gives the same bytes on 1, 2 and 3 threads', async () => {
    setBackend('wasm');
    const one = await fitDigest(1);
    expect(one.fittedWith).toEqual({ solver: 'covariance', precision: 'mixed' });
    expect(one.rows).toBeGreaterThan(2 * 1024); // several Gram chunks to share out
    if (wasmGemm()?.variant === 'relaxed-simd') expect(one.digest).toBe(PINNED_RELAXED);
    if (!threadsSupported()) return;
    for (const threads of [2, 3]) expect((await fitDigest(threads)).digest, `${threads} threads`).toBe(one.digest);
  }, 120_000);
});
