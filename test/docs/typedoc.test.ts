import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';

// `npm run docs` must build with no warnings: typedoc.json treats warnings as errors, so a
// missing export, a broken {@link} or an undocumented reference fails here.
it('typedoc builds the API reference with no warnings', () => {
  const out = mkdtempSync(join(tmpdir(), 'latent-ts-docs-'));
  try {
    const r = spawnSync(process.execPath, [join('node_modules', 'typedoc', 'bin', 'typedoc'), '--out', out], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).not.toMatch(/\[warning\]|\[error\]/);
    expect(r.status).toBe(0);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}, 120_000);
