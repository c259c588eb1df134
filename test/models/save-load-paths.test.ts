/**
 * save() and load() of every model name the model and the user's path when the file system
 * refuses: a missing directory or a directory in the way on save (never the hidden temporary
 * file), a missing file or a directory on load (not a bare ENOENT / EISDIR).
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Autoencoder, PCA, PPCA, VAE } from '../../src/index.js';

const n = 20;
const d = 6;
const X = { data: Float32Array.from({ length: n * d }, (_, i) => ((i * 7919) % 97) / 97), shape: [n, d] as [number, number] };

interface Case {
  name: string;
  make(): Promise<{ save(path: string): Promise<void> }>;
  load(path: string): Promise<unknown>;
}

const cases: Case[] = [
  { name: 'PCA', make: async () => new PCA({ nComponents: 2 }).fit(X), load: (p) => PCA.load(p) },
  { name: 'PPCA', make: async () => new PPCA({ nComponents: 2 }).fit(X), load: (p) => PPCA.load(p) },
  {
    name: 'Autoencoder',
    make: async () => {
      const ae = new Autoencoder({ inputDim: d, latentDim: 2, seed: 1 });
      await ae.fit(X, { epochs: 1, batchSize: 10 });
      return ae;
    },
    load: (p) => Autoencoder.load(p),
  },
  {
    name: 'VAE',
    make: async () => {
      const vae = new VAE({ inputDim: d, latentDim: 2, seed: 1 });
      await vae.fit(X, { epochs: 1, batchSize: 10 });
      return vae;
    },
    load: (p) => VAE.load(p),
  },
];

const dir = mkdtempSync(join(tmpdir(), 'latent-ts-paths-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function rejection(p: Promise<unknown>): Promise<Error & { code?: string; path?: string }> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

describe.each(cases)('$name save and load errors', ({ name, make, load }) => {
  it('save into a missing directory names the model, the path and the directory, not the temp file', async () => {
    const model = await make();
    const missing = join(dir, `no-${name}`);
    const path = join(missing, 'm.safetensors');
    const e = await rejection(model.save(path));
    expect(e.message).toBe(`${name}.save: cannot write ${path}: the directory ${missing} does not exist (ENOENT)`);
    expect(e.message).not.toMatch(/\.tmp/);
    expect(e.code).toBe('ENOENT');
    expect(e.path).toBe(path);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('save onto a directory says the path is a directory', async () => {
    const model = await make();
    const e = await rejection(model.save(dir));
    expect(e.message).toBe(`${name}.save: cannot write ${dir}: ${dir} is a directory (EISDIR)`);
  });

  it('load of a missing file says it does not exist', async () => {
    const path = join(dir, 'x', 'y.safetensors');
    const e = await rejection(load(path));
    expect(e.message).toBe(`${name}.load: ${path} does not exist`);
    expect(e.code).toBe('ENOENT');
  });

  it('load of a directory says it is a directory', async () => {
    const e = await rejection(load(dir));
    expect(e.message).toBe(`${name}.load: ${dir} is a directory, not a file`);
    expect(e.code).toBe('EISDIR');
  });
});
