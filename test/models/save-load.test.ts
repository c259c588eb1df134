import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Autoencoder, FormatError, PCA, PPCA, Rng, VAE } from '../../src/index.js';

// Save/load for every model: bit-exact round trips through bytes and files, and clear errors
// for truncated, corrupted, foreign or mismatched files.
const rng = new Rng(7);
const n = 64;
const d = 12;
const data = new Float32Array(n * d);
for (let i = 0; i < data.length; i++) data[i] = 1 / (1 + Math.exp(-rng.normal()));
const X = { data, shape: [n, d] as [number, number] };

interface Saveable {
  toBytes(): Uint8Array;
  save(path: string): Promise<void>;
}
interface Case {
  name: string;
  make(): Promise<Saveable>;
  fromBytes(bytes: Uint8Array, source?: string): Saveable;
  load(path: string): Promise<Saveable>;
  output(model: Saveable): Float32Array | Float64Array;
}

const cases: Case[] = [
  {
    name: 'PCA',
    make: async () => new PCA({ nComponents: 3 }).fit(X),
    fromBytes: (b, s) => PCA.fromBytes(b, s), load: (p) => PCA.load(p),
    output: (m) => (m as PCA).transform(X).data,
  },
  {
    name: 'PPCA',
    make: async () => new PPCA({ nComponents: 3 }).fit(X),
    fromBytes: (b, s) => PPCA.fromBytes(b, s), load: (p) => PPCA.load(p),
    output: (m) => (m as PPCA).scoreSamples(X).data,
  },
  {
    name: 'Autoencoder',
    make: async () => {
      const ae = new Autoencoder({ inputDim: d, hiddenDims: [8], latentDim: 2, seed: 3 });
      await ae.fit(X, { epochs: 2, batchSize: 16 });
      return ae;
    },
    fromBytes: (b, s) => Autoencoder.fromBytes(b, s), load: (p) => Autoencoder.load(p),
    output: (m) => (m as Autoencoder).reconstruct(X).data,
  },
  {
    name: 'VAE',
    make: async () => {
      const vae = new VAE({ inputDim: d, hiddenDims: [8], latentDim: 2, seed: 3 });
      await vae.fit(X, { epochs: 2, batchSize: 16 });
      return vae;
    },
    fromBytes: (b, s) => VAE.fromBytes(b, s), load: (p) => VAE.load(p),
    output: (m) => (m as VAE).encode(X).data,
  },
];

const bytesOf = (a: Float32Array | Float64Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

let dir: string;
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'latent-ts-save-')); });
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe.each(cases)('$name save and load', (c) => {
  it('round-trips through bytes and files bit-exactly', async () => {
    const model = await c.make();
    const bytes = model.toBytes();
    const again = c.fromBytes(bytes);
    expect(bytesOf(c.output(again))).toEqual(bytesOf(c.output(model)));
    expect(again.toBytes()).toEqual(bytes);
    const path = join(dir, `${c.name}.safetensors`);
    await model.save(path);
    expect(new Uint8Array(await readFile(path))).toEqual(bytes);
    const loaded = await c.load(path);
    expect(bytesOf(c.output(loaded))).toEqual(bytesOf(c.output(model)));
  });

  it('rejects truncated, corrupted and foreign files with FormatError naming the source', async () => {
    const bytes = (await c.make()).toBytes();
    for (const cut of [0, 7, 8, 100, bytes.length - 1]) {
      expect(() => c.fromBytes(bytes.slice(0, cut), 'cut.safetensors')).toThrow(FormatError);
    }
    for (const at of [3, 20, Math.floor(bytes.length / 2), bytes.length - 1]) {
      const flipped = bytes.slice();
      flipped[at] ^= 0x10;
      expect(() => c.fromBytes(flipped, 'flip.safetensors')).toThrow(/flip\.safetensors/);
    }
    const other = cases.find((o) => o.name !== c.name)!;
    const foreign = (await other.make()).toBytes();
    expect(() => c.fromBytes(foreign, 'foreign.safetensors')).toThrow(new RegExp(`holds a ${other.name} model, expected ${c.name}`));
    const path = join(dir, `missing-${c.name}.safetensors`);
    await expect(c.load(path)).rejects.toThrow();
    await writeFile(path, bytes.slice(0, 50));
    await expect(c.load(path)).rejects.toThrow(FormatError);
  });
});

describe('training checkpoints in safetensors', () => {
  it.each(['VAE', 'Autoencoder'] as const)('%s resumes bit-exactly from toBytes/fromBytes', async (kind) => {
    const make = () => kind === 'VAE'
      ? new VAE({ inputDim: d, hiddenDims: [8], latentDim: 2, seed: 5 })
      : new Autoencoder({ inputDim: d, hiddenDims: [8], latentDim: 2, seed: 5, denoising: { type: 'masking', rate: 0.2 } });
    const restore = (b: Uint8Array) => (kind === 'VAE' ? VAE.fromBytes(b) : Autoencoder.fromBytes(b));
    const straight = make();
    await straight.fit(X, { epochs: 3, batchSize: 16 });
    const first = make();
    await first.fit(X, { epochs: 1, batchSize: 16 });
    const resumed = restore(first.toBytes());
    await resumed.fit(X, { epochs: 2, batchSize: 16 });
    const params = (m: { toState(): { tensors: Record<string, { data: Float32Array | Float64Array }> } }) =>
      Object.entries(m.toState().tensors).sort(([a], [b]) => a.localeCompare(b)).map(([k, t]) => [k, Array.from(bytesOf(t.data))]);
    expect(params(resumed)).toEqual(params(straight));
  });
});
