/**
 * The op definitions load without Tensor: no file reachable from autodiff/ops/index.ts through
 * value imports (`import type` is erased) is tensor/tensor.ts, and the engine's only import
 * circle is the documented tensor.ts ↔ functional.ts (see autodiff/functional.ts).
 */
import { readFileSync, existsSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');
const IMPORT = /^\s*(?:import|export)\s+(type\s+)?([^'";]*?)\s*from\s+['"](\.[^'"]+)['"]/gm;

/** Value imports of one file, as absolute .ts paths. */
function valueImports(file: string): string[] {
  const out: string[] = [];
  for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
    const names = m[2].trim();
    const typeOnly = m[1] !== undefined
      || (/^\{[^}]*\}$/.test(names) && names.slice(1, -1).split(',').every((s) => s.trim() === '' || /^type\s/.test(s.trim())));
    if (typeOnly) continue;
    const target = resolve(dirname(file), m[3]).replace(/\.js$/, '.ts');
    if (existsSync(target)) out.push(target);
  }
  return out;
}

function reachable(from: string): Set<string> {
  const seen = new Set<string>([from]);
  const stack = [from];
  while (stack.length > 0) {
    for (const next of valueImports(stack.pop()!)) {
      if (!seen.has(next)) {
        seen.add(next);
        stack.push(next);
      }
    }
  }
  return seen;
}

const rel = (files: Iterable<string>): string[] => [...files].map((f) => relative(SRC, f)).sort();

describe('autodiff import graph', () => {
  it('the op table and op.ts do not load tensor/tensor.ts', () => {
    for (const entry of ['autodiff/ops/index.ts', 'autodiff/op.ts', 'autodiff/graph.ts']) {
      expect(rel(reachable(resolve(SRC, entry)))).not.toContain('tensor/tensor.ts');
    }
  });

  it('the only files that reach tensor.ts and are reached from it are tensor.ts and functional.ts', () => {
    const tensor = resolve(SRC, 'tensor/tensor.ts');
    const inCircle = [...reachable(tensor)].filter((f) => reachable(f).has(tensor));
    expect(rel(inCircle)).toEqual(['autodiff/functional.ts', 'tensor/tensor.ts']);
  });
});
