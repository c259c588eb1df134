/**
 * Comments point only at documents that are in the repository: every Markdown file that a
 * comment line of src/, test/, bench/ or examples/ mentions must exist, as a path from the
 * repository root or from the file's own folder.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FOLDERS = ['src', 'test', 'bench', 'examples'];
const SKIP = new Set(['node_modules', 'dist', '.snippets', '.scratch', 'results']);
const COMMENT = /^\s*(?:\/\/|\/\*|\*)/;
const DOC = /[\w./-]*\w\.md\b/g;

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (SKIP.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sourceFiles(path, out);
    else if (/\.(?:ts|js|mjs)$/.test(name)) out.push(path);
  }
  return out;
}

/** `label:line: name` for every document a comment line of `text` mentions that does not exist. */
function missingDocuments(text: string, dir: string, label: string): string[] {
  const missing: string[] = [];
  text.split('\n').forEach((line, i) => {
    if (!COMMENT.test(line)) return;
    for (const [name] of line.matchAll(DOC)) {
      if (!existsSync(join(ROOT, name)) && !existsSync(join(dir, name))) missing.push(`${label}:${i + 1}: ${name}`);
    }
  });
  return missing;
}

describe('comments cite documents of the repository', () => {
  it('reports a missing document in a comment, and only in a comment', () => {
    const text = "// see docs/testing.md §3.4 and NOWHERE.md\nconst title = 'ALSO-NOWHERE.md';\n * ../README.md";
    expect(missingDocuments(text, join(ROOT, 'test'), 'x.ts')).toEqual(['x.ts:1: NOWHERE.md']);
  });

  it('every document cited in src/, test/, bench/ and examples/ exists', () => {
    const files = FOLDERS.flatMap((f) => sourceFiles(join(ROOT, f)));
    expect(files.length).toBeGreaterThan(100);
    const missing = files.flatMap((f) => missingDocuments(readFileSync(f, 'utf8'), dirname(f), relative(ROOT, f)));
    expect(missing).toEqual([]);
  });
});
