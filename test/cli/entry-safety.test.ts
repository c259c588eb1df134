/**
 * The command line and the demo are Node-only entries: nothing reachable from the library's
 * entry (src/index.ts) may import them, and they are built as their own bundle.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Every src file reachable from `entry` through relative static or dynamic imports. */
function closure(entry: string): Set<string> {
  const seen = new Set<string>();
  const stack = [entry];
  while (stack.length > 0) {
    const file = stack.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const code = readFileSync(file, 'utf8');
    for (const m of code.matchAll(/(?:from|import)\s*\(?\s*['"](\.[^'"]+)['"]/g)) {
      const target = resolve(dirname(file), m[1].replace(/\.js$/, '.ts'));
      if (existsSync(target)) stack.push(target);
    }
  }
  return seen;
}

describe('Node-only entries', () => {
  it('nothing reachable from src/index.ts is under src/cli or src/demo', () => {
    const files = [...closure(join(ROOT, 'src/index.ts'))].map((f) => relative(ROOT, f));
    expect(files.length).toBeGreaterThan(20);
    expect(files.filter((f) => f.startsWith('src/cli/') || f.startsWith('src/demo/'))).toEqual([]);
  });

  it('package.json declares the bin and a demo script that runs without a build', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.bin).toEqual({ 'latent-ts': './dist/cli.js' });
    expect(pkg.scripts.demo).toBe('tsx src/cli/main.ts demo');
    expect(Object.keys(pkg.devDependencies)).toContain('tsx');
  });

  it('tsup builds the CLI as its own entry with the shebang banner', () => {
    const config = readFileSync(join(ROOT, 'tsup.config.ts'), 'utf8');
    expect(config).toMatch(/cli: 'src\/cli\/main\.ts'/);
    expect(config).toMatch(/#!\/usr\/bin\/env node/);
    expect(readFileSync(join(ROOT, 'src/cli/main.ts'), 'utf8')).not.toMatch(/^#!/);
  });
});
