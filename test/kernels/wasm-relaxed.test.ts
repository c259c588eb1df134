/**
 * The relaxed-SIMD (fused multiply-add) variant of the WebAssembly kernel. Node 20 enables
 * relaxed SIMD only behind a flag, so the check runs in a child process started with it.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('./fixtures/relaxed-simd-check.ts', import.meta.url));

describe('relaxed-SIMD GEMM variant', () => {
  it('meets the float32 bound and is bitwise deterministic across tier-up', () => {
    const out = execFileSync(process.execPath, ['--experimental-wasm-relaxed-simd', '--import', 'tsx', script], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    const result = JSON.parse(out.trim().split('\n').pop() as string) as {
      variant: string | null; failures: string[]; deterministic: boolean;
    };
    if (result.variant === null) return; // this engine has no relaxed SIMD even behind the flag
    expect(result.variant).toBe('relaxed-simd');
    expect(result.failures).toEqual([]);
    expect(result.deterministic).toBe(true);
  });
});
