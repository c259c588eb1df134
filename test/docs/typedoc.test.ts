import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** Visible text of an HTML page, whitespace collapsed. */
const textOf = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/\s+/g, ' ');

// `npm run docs` must build with no warnings: typedoc.json treats warnings as errors, so a
// missing export, a broken {@link}, an undocumented reference or a symbol that
// docs/typedoc-plugin.mjs cannot put in a category fails here.
describe('the API reference', () => {
  const out = mkdtempSync(join(tmpdir(), 'latent-ts-docs-'));
  const page = (path: string) => readFileSync(join(out, path), 'utf8');
  let log = '';
  let status: number | null = null;

  beforeAll(() => {
    const r = spawnSync(process.execPath, [join('node_modules', 'typedoc', 'bin', 'typedoc'), '--out', out], { encoding: 'utf8' });
    log = r.stdout + r.stderr;
    status = r.status;
  }, 120_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('builds with no warnings', () => {
    expect(log).not.toMatch(/\[warning\]|\[error\]/);
    expect(status).toBe(0);
  });

  it('is grouped by topic, the guide first', () => {
    const index = textOf(page('modules.html'));
    const order = ['Guide', 'Models', 'Data', 'Training', 'IO', 'Hashing', 'Plotting', 'Errors', 'Low level'];
    const at = order.map((c) => index.indexOf(` ${c} `));
    expect(at.every((i) => i >= 0), `categories found at ${at.join(', ')}`).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    // A few symbols in their topics.
    const section = (c: string) => index.slice(index.indexOf(` ${c} `), at[order.indexOf(c) + 1] ?? undefined);
    expect(section('Models')).toMatch(/ VAE .* PCA |PCA .* VAE /);
    expect(section('Data')).toContain(' MatrixInput ');
    expect(section('Low level')).toContain(' Tensor ');
  });

  it('renders the guide, and the README links to the rendered page', () => {
    // The README's relative link to docs/guide.md becomes a link to the guide's rendered page.
    const link = /<a href="(documents\/[^"#]+\.html)"[^>]*>guide<\/a>/.exec(page('index.html'));
    expect(link, 'a link named "guide" to a documents/ page on the index').not.toBeNull();
    expect(textOf(page(link![1]))).toContain('From PCA to the VAE: a guide to latent-ts');
  });

  it('links MatrixInput in the signatures of fit and encode', () => {
    for (const model of ['VAE', 'Autoencoder', 'PCA']) {
      const html = page(`classes/${model}.html`);
      const compact = (h: string) => textOf(h).replace(/\s+/g, '');
      // The neural models' fit also takes a row source (issue 18), which TypeScript lists first.
      expect(compact(html.slice(html.indexOf('id="fit"'))), model).toMatch(/^id="fit">fitfit\(X:(RowSource\|)?MatrixInput/);
      expect(html, model).toContain('href="../types/MatrixInput.html"');
      expect(compact(html), model).not.toContain('X:Input');
    }
  });
});
