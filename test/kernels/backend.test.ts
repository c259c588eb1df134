/**
 * The backend setting: default, explicit choice, the LATENT_TS_BACKEND variable (read once),
 * clear errors, and the fallback where WebAssembly SIMD is missing. Each case imports fresh
 * copies of the modules so that the once-only environment read can be observed.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { gemmReference } from '../../src/kernels/gemm-reference.js';

type BackendModule = typeof import('../../src/kernels/backend.js');
type GemmModule = typeof import('../../src/kernels/gemm.js');

async function fresh(): Promise<{ backend: BackendModule; gemm: GemmModule['gemm'] }> {
  vi.resetModules();
  const backend = await import('../../src/kernels/backend.js');
  const { gemm } = await import('../../src/kernels/gemm.js');
  return { backend, gemm };
}

/**
 * A 32×32×32 float32 product (above the direct-loop threshold, so it reaches the backend) of
 * small integers: every partial sum is exact in float32, so every backend must match the
 * reference bit for bit.
 */
function product(gemm: GemmModule['gemm']): number[] {
  const n = 32;
  const A = Float32Array.from({ length: n * n }, (_, i) => ((i * 7) % 11) - 5);
  const B = Float32Array.from({ length: n * n }, (_, i) => ((i * 5) % 13) - 6);
  const C = new Float32Array(n * n);
  gemm(false, false, n, n, n, 1, A, n, B, n, 0, C, n);
  return Array.from(C);
}

const expected = ((): number[] => {
  const n = 32;
  const A = Float64Array.from({ length: n * n }, (_, i) => ((i * 7) % 11) - 5);
  const B = Float64Array.from({ length: n * n }, (_, i) => ((i * 5) % 13) - 6);
  const C = new Float64Array(n * n);
  gemmReference(false, false, n, n, n, 1, A, n, B, n, 0, C, n);
  return Array.from(C);
})();

afterEach(() => {
  vi.unstubAllEnvs();
  vi.unstubAllGlobals();
  vi.resetModules();
});

describe('backend selection', () => {
  it('defaults to the fastest available backend and switches on setBackend', async () => {
    vi.stubEnv('LATENT_TS_BACKEND', '');
    const { backend, gemm } = await fresh();
    expect(backend.isWasmAvailable()).toBe(true);
    expect(backend.getBackend()).toBe('wasm');
    expect(product(gemm)).toEqual(expected);
    backend.setBackend('js');
    expect(backend.getBackend()).toBe('js');
    expect(product(gemm)).toEqual(expected);
  });

  it('reads LATENT_TS_BACKEND once, on first use', async () => {
    vi.stubEnv('LATENT_TS_BACKEND', 'js');
    const { backend } = await fresh();
    expect(backend.getBackend()).toBe('js');
    vi.stubEnv('LATENT_TS_BACKEND', 'wasm');
    expect(backend.getBackend()).toBe('js');
    backend.setBackend('wasm');
    expect(backend.getBackend()).toBe('wasm');
  });

  it('rejects unknown names with a TypeError naming the argument or the variable', async () => {
    vi.stubEnv('LATENT_TS_BACKEND', 'gpu');
    const { backend } = await fresh();
    expect(() => backend.getBackend()).toThrow(TypeError);
    expect(() => backend.getBackend()).toThrow(/LATENT_TS_BACKEND must be 'js' or 'wasm' \(got string 'gpu'\)/);
    expect(() => backend.setBackend('cuda' as 'js')).toThrow(/setBackend: name must be 'js' or 'wasm' \(got string 'cuda'\)/);
    backend.setBackend('js');
    expect(backend.getBackend()).toBe('js');
  });

  it('falls back to TypeScript where WebAssembly SIMD is missing, and refuses an explicit wasm', async () => {
    vi.stubEnv('LATENT_TS_BACKEND', '');
    vi.stubGlobal('WebAssembly', { ...WebAssembly, validate: () => false });
    const { backend, gemm } = await fresh();
    expect(backend.isWasmAvailable()).toBe(false);
    expect(backend.getBackend()).toBe('js');
    expect(() => backend.setBackend('wasm')).toThrow(/no WebAssembly SIMD support; use 'js'/);
    expect(product(gemm)).toEqual(expected);
  });

  it('refuses LATENT_TS_BACKEND=wasm where SIMD is missing', async () => {
    vi.stubEnv('LATENT_TS_BACKEND', 'wasm');
    vi.stubGlobal('WebAssembly', undefined);
    const { backend } = await fresh();
    expect(() => backend.getBackend()).toThrow(/LATENT_TS_BACKEND is 'wasm', but this JavaScript engine has no WebAssembly SIMD/);
  });
});
