/**
 * The relaxed-SIMD (fused multiply-add) variant of the WebAssembly kernel. Node 20 enables
 * relaxed SIMD only behind a flag, which the backend sets itself unless told not to; the checks
 * run in child processes so that each starts with the engine's own default.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('./fixtures/relaxed-simd-check.ts', import.meta.url));
const variantScript = fileURLToPath(new URL('./fixtures/backend-variant.ts', import.meta.url));

function loadedVariant(env: Record<string, string>): { variant: string | null; nativeRelaxed: boolean } {
  const out = execFileSync(process.execPath, ['--import', 'tsx', variantScript], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, ...env },
  });
  return JSON.parse(out.trim().split('\n').pop() as string) as { variant: string | null; nativeRelaxed: boolean };
}

const canSetFlag = typeof (process as { getBuiltinModule?: unknown }).getBuiltinModule === 'function';

describe('relaxed-SIMD GEMM variant', () => {
  it('meets the float32 bound and is bitwise deterministic across tier-up', (ctx) => {
    const out = execFileSync(process.execPath, ['--experimental-wasm-relaxed-simd', '--import', 'tsx', script], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    const result = JSON.parse(out.trim().split('\n').pop() as string) as {
      variant: string | null; failures: string[]; deterministic: boolean;
    };
    if (result.variant === null) ctx.skip(); // this engine has no relaxed SIMD even behind the flag: reported as skipped
    expect(result.variant).toBe('relaxed-simd');
    expect(result.failures).toEqual([]);
    expect(result.deterministic).toBe(true);
  });

  it('is the default backend variant, enabling the engine flag on Node 20 where needed', (ctx) => {
    const { variant, nativeRelaxed } = loadedVariant({ LATENT_TS_RELAXED_SIMD: '' });
    if (variant === null) ctx.skip(); // no WebAssembly SIMD at all: reported as skipped
    if (nativeRelaxed || canSetFlag) expect(variant).toBe('relaxed-simd');
    else expect(variant).toBe('simd');
  });

  it('is not enabled by latent-ts when LATENT_TS_RELAXED_SIMD=0', (ctx) => {
    const { variant, nativeRelaxed } = loadedVariant({ LATENT_TS_RELAXED_SIMD: '0' });
    if (variant === null) ctx.skip();
    expect(variant).toBe(nativeRelaxed ? 'relaxed-simd' : 'simd');
  });
});
