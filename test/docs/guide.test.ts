import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// Every ```ts block of docs/guide.md and README.md runs against the library source, so the
// documentation stays true.
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const snippetDir = join(root, 'test', 'docs', '.snippets');
const tsBlocks = (text: string): string[] => [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
const guideBlocks = tsBlocks(await readFile(join(root, 'docs', 'guide.md'), 'utf8'));
const readmeBlocks = tsBlocks(await readFile(join(root, 'README.md'), 'utf8'));
const blocks = [...guideBlocks, ...readmeBlocks];

describe('documentation snippets', () => {
  afterAll(async () => rm(snippetDir, { recursive: true, force: true }));

  it('has snippets', () => {
    expect(guideBlocks.length).toBeGreaterThanOrEqual(5);
    expect(readmeBlocks.length).toBeGreaterThanOrEqual(1);
  });

  blocks.forEach((code, i) => {
    it(`snippet ${i + 1} runs`, async () => {
      await mkdir(snippetDir, { recursive: true });
      const file = join(snippetDir, `snippet-${i + 1}.ts`);
      const entry = relative(snippetDir, join(root, 'src', 'index.js')).replace(/\\/g, '/');
      const source = code.replace(/from 'latent-ts'/g, `from '${entry}'`);
      const lines: unknown[][] = [];
      const log = console.log;
      const cwd = process.cwd();
      console.log = (...args: unknown[]) => { lines.push(args); };
      try {
        // Snippets that save files write them into the scratch directory.
        process.chdir(snippetDir);
        await writeFile(file, `${source}\nexport {};\n`);
        await import(/* @vite-ignore */ file);
      } finally {
        process.chdir(cwd);
        console.log = log;
      }
      expect(lines.length).toBeGreaterThan(0);
    }, 120_000);
  });
});
