/**
 * docs/testing.md §3.3.6: all randomness comes from an explicit Rng. This scans every file under
 * src/ (comments included, so the rule stays greppable) for Math.random in any spelling.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SRC = join(ROOT, 'src');
const PATTERN = /Math\s*(?:\?\.|\.)\s*random\b|Math\s*\[\s*['"`]random['"`]\s*\]/;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/** Every `file:line: text` where the pattern occurs. */
function findMathRandom(files: string[]): string[] {
  const hits: string[] = [];
  for (const f of files) {
    readFileSync(f, 'utf8').split('\n').forEach((line, i) => {
      if (PATTERN.test(line)) hits.push(`${relative(ROOT, f)}:${i + 1}: ${line.trim()}`);
    });
  }
  return hits;
}

describe('no Math.random in src/', () => {
  it('finds source files to scan', () => {
    const files = filesUnder(SRC);
    expect(files.length).toBeGreaterThan(10);
    expect(files.some((f) => f.endsWith(join('random', 'rng.ts')))).toBe(true);
  });

  it('no file under src/ mentions Math.random', () => {
    const hits = findMathRandom(filesUnder(SRC));
    expect(hits, `Math.random found (use an explicit Rng):\n${hits.join('\n')}`).toEqual([]);
  });

  it('the pattern catches the usual spellings and nothing else', () => {
    for (const s of ['Math.random()', 'Math . random', "Math['random']()", 'Math["random"]', 'Math?.random()', 'const r = Math.random;']) {
      expect(PATTERN.test(s), s).toBe(true);
    }
    for (const s of ['rng.random()', 'Math.round(x)', 'randomTensor', 'Math.randomize']) expect(PATTERN.test(s), s).toBe(false);
  });
});
