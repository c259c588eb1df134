/**
 * `npm run bench` compiles the benchmarks to plain JavaScript and runs them on Node, as users
 * run the built library. This checks that the command works end to end on one small product and
 * writes a well-formed report; it asserts nothing about speed.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('npm run bench', () => {
  it('runs the GEMM benchmark and writes its JSON report', () => {
    const dir = mkdtempSync(join(tmpdir(), 'latent-bench-'));
    try {
      const out = join(dir, 'gemm.json');
      execFileSync('npm', ['run', '--silent', 'bench', '--', 'gemm', '--shapes', 'sq256', '--impls', 'latent-js,latent-wasm', '--runs', '5', '--json', out], {
        cwd: root, encoding: 'utf8', timeout: 120_000, stdio: ['ignore', 'pipe', 'pipe'],
      });
      const report = JSON.parse(readFileSync(out, 'utf8')) as { bench: string; results: { impl: string; gflops: number; relErrVsNaive: number }[] };
      expect(report.bench).toBe('gemm');
      expect(report.results.map((r) => r.impl).sort()).toEqual(['latent-js', 'latent-wasm', 'naive']);
      for (const r of report.results) {
        expect(r.gflops).toBeGreaterThan(0);
        expect(r.relErrVsNaive).toBeLessThan(1e-4);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
