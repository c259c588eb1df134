/**
 * The command dispatcher in-process (fast): exit codes and messages for every command, every
 * model kind through fit → encode → sample, and the error paths.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/cli/csv.js';
import { loadModelFile } from '../../src/cli/model-file.js';
import { stateToBytes } from '../../src/io/model-bytes.js';
import { encodeSafetensors } from '../../src/io/safetensors.js';
import { run } from './run-cli.js';
import { HELP } from '../../src/cli/usage.js';
import { parseXml } from '../helpers/xml.js';
import { TINY_FEATURES, TINY_ROWS, writeTinyData } from './tiny-data.js';


let dir: string;
let files: { data: string; labels: string };
const at = (name: string) => join(dir, name);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'latent-ts-run-'));
  files = writeTinyData(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('runCli: help and usage errors', () => {
  it('prints help for every command and the version', async () => {
    expect(await run('help')).toMatchObject({ code: 0, out: HELP.top });
    for (const cmd of ['fit', 'encode', 'sample', 'demo']) {
      expect(await run(cmd, '--help')).toMatchObject({ code: 0, out: HELP[cmd], err: '' });
      expect(await run('help', cmd)).toMatchObject({ code: 0, out: HELP[cmd] });
    }
    expect((await run('--version')).out).toMatch(/^\d+\.\d+\.\d+/);
  });

  it.each([
    [[], /missing command/],
    [['--frob'], /unknown option '--frob'/],
    [['help', 'nope'], /unknown command 'nope'/],
    [['fit'], /missing the model kind/],
    [['fit', 'pca', 'vae', '--data', 'd', '--out', 'o'], /unexpected argument 'vae'/],
    [['fit', 'pca', '--out', 'o'], /missing required option --data/],
    [['fit', 'pca', '--data', 'd', '--out', 'o', '--epochs', '3'], /--epochs applies to ae, vae, cvae and vqvae only/],
    [['fit', 'fa', '--data', 'd', '--out', 'o', '--hidden', '8'], /--hidden applies to ae, vae, cvae and vqvae only/],
    [['fit', 'ae', '--data', 'd', '--out', 'o', '--likelihood', 'gaussian'], /--likelihood applies to vae only/],
    [['fit', 'vae', '--data', 'd', '--out', 'o', '--codes', '8'], /--codes applies to vqvae only/],
    [['fit', 'vqvae', '--data', 'd', '--out', 'o', '--codes', '1'], /--codes must be an integer >= 2/],
    [['fit', 'vae', '--data', 'd', '--out', 'o', '--latent', '0'], /--latent must be an integer >= 1/],
    [['fit', 'vae', '--data', 'd', '--out', 'o', '--hidden', '8,x'], /--hidden must be a comma-separated list/],
    [['fit', 'vae', '--data', 'd', '--out', 'o', '--learning-rate', '0'], /--learning-rate must be a number > 0/],
    [['fit', 'vae', '--data', 'd', '--out', 'o', '--categories', '4'], /--categories applies to cvae only/],
    [['fit', 'cvae', '--data', 'd', '--out', 'o', '--categories', '1'], /--categories must be an integer >= 2/],
    [['encode', '--model', 'm', '--data', 'd'], /missing required option --out/],
    [['sample', '--model', 'm', '--out', 's.svg'], /missing required option -n/],
    [['sample', '--model', 'm', '--out', 's.svg', '-n', '0'], /-n must be an integer in \[1, 10000\]/],
    [['sample', '--model', 'm', '--out', 's.svg', '-n', '4', '--image-shape', '4by4'], /--image-shape must be HxW/],
    [['demo', '--epochs=-1'], /--epochs must be an integer >= 1/],
    [['demo', '--epochs', '-1'], /option --epochs needs a value \(write --epochs=VALUE/],
    [['demo', 'now'], /unexpected argument 'now'/],
  ])('%j exits 2 with a usage line', async (argv, message) => {
    const r = await run(...argv);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(message);
    expect(r.err).toMatch(/\nusage: latent-ts/);
  });
});

describe('runCli: fit, encode and sample every model kind', () => {
  it.each(['pca', 'ppca', 'ae', 'vae', 'nmf', 'tsvd', 'ipca', 'fa', 'ica', 'vqvae'])('%s', async (kind) => {
    const model = at(`${kind}.safetensors`);
    const extra = kind === 'ae' || kind === 'vae' || kind === 'vqvae' ? ['--epochs', '3', '--hidden', '8', '--batch-size', '16'] : [];
    if (kind === 'vqvae') extra.push('--codes', '4');
    const fit = await run('fit', kind, '--data', files.data, '--latent', '3', '--seed', '5', '--out', model, '--quiet', ...extra);
    expect(fit.code, fit.err).toBe(0);
    expect(fit.err).toBe('');
    const loaded = await loadModelFile(model);
    expect(loaded.toState().type).toBe({ pca: 'PCA', ppca: 'PPCA', ae: 'Autoencoder', vae: 'VAE', nmf: 'NMF', tsvd: 'TruncatedSVD', ipca: 'IncrementalPCA', fa: 'FactorAnalysis', ica: 'FastICA', vqvae: 'VQVAE' }[kind]);

    const codes = at(`${kind}-codes.csv`);
    expect((await run('encode', '--model', model, '--data', files.data, '--out', codes)).code).toBe(0);
    const table = parseCsv(readFileSync(codes, 'utf8'));
    expect(table.shape).toEqual([TINY_ROWS, 3]);
    expect(table.header).toEqual(['z1', 'z2', 'z3']);
    // The VQ-VAE's codes are integer indices into its 4 codes.
    if (kind === 'vqvae') expect(Array.from(table.data).every((v) => Number.isInteger(v) && v >= 0 && v < 4)).toBe(true);

    const svg = at(`${kind}-samples.svg`);
    const smp = await run('sample', '--model', model, '-n', '6', '--out', svg, '--columns', '3');
    if (kind === 'ae' || kind === 'nmf' || kind === 'tsvd' || kind === 'ica') {
      expect(smp.code).toBe(1);
      expect(smp.err).toMatch({ ae: /Autoencoder has no prior/, nmf: /NMF model has no prior/, tsvd: /TruncatedSVD has no prior/, ica: /FastICA model has no prior/ }[kind]);
      return;
    }
    expect(smp.code, smp.err).toBe(0);
    expect(parseXml(readFileSync(svg, 'utf8')).name).toBe('svg');
    const csv = at(`${kind}-samples.csv`);
    expect((await run('sample', '--model', model, '-n', '5', '--out', csv)).code).toBe(0);
    expect(parseCsv(readFileSync(csv, 'utf8')).shape).toEqual([5, TINY_FEATURES]);
  });

  it('cvae: --latent variables of --categories categories; encode writes their probabilities; sample decodes prior codes', async () => {
    const model = at('cvae.safetensors');
    const fit = await run('fit', 'cvae', '--data', files.data, '--latent', '3', '--categories', '2', '--epochs', '3', '--hidden', '8', '--batch-size', '16', '--out', model);
    expect(fit.code, fit.err).toBe(0);
    expect(fit.err).toMatch(/cvae: epoch 3\/3/);
    const loaded = await loadModelFile(model);
    expect(loaded.toState().type).toBe('CategoricalVAE');
    const codes = at('cvae-codes.csv');
    expect((await run('encode', '--model', model, '--data', files.data, '--out', codes)).code).toBe(0);
    const table = parseCsv(readFileSync(codes, 'utf8'));
    expect(table.shape).toEqual([TINY_ROWS, 6]);
    for (let i = 0; i < TINY_ROWS; i++) {
      for (let j = 0; j < 3; j++) expect(table.data[i * 6 + 2 * j] + table.data[i * 6 + 2 * j + 1]).toBeCloseTo(1, 5);
    }
    const csv = at('cvae-samples.csv');
    expect((await run('sample', '--model', model, '-n', '5', '--out', csv)).code).toBe(0);
    expect(parseCsv(readFileSync(csv, 'utf8')).shape).toEqual([5, TINY_FEATURES]);
    const scaled = at('scaled.csv');
    writeFileSync(scaled, 'a,b\n2,3\n4,5\n');
    const bad = await run('fit', 'cvae', '--data', scaled, '--out', at('bad.safetensors'));
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/cvae \(a Bernoulli decoder\) needs every data value in \[0, 1\]/);
  });

  it('reports progress lines for neural models unless --quiet', async () => {
    const r = await run('fit', 'vae', '--data', files.data, '--epochs', '2', '--hidden', '4', '--out', at('v.safetensors'));
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/vae: epoch 2\/2/);
  });
});

describe('runCli: runtime errors exit 1', () => {
  it('bad data files and label counts', async () => {
    const ragged = at('ragged.csv');
    writeFileSync(ragged, '1,2\n3\n');
    const shortLabels = at('short.csv');
    writeFileSync(shortLabels, '0\n1\n');
    const cases: [string[], RegExp][] = [
      [['fit', 'pca', '--data', ragged, '--out', at('x.safetensors')], /ragged\.csv: line 2 has 1 fields, expected 2/],
      [['fit', 'pca', '--data', files.data, '--labels', shortLabels, '--out', at('x.safetensors')], /has 2 labels, but the data have 60 rows/],
      [['fit', 'pca', '--data', at('nope.idx'), '--out', at('x.safetensors')], /nope\.idx: no such file or directory/],
    ];
    for (const [argv, message] of cases) {
      const r = await run(...argv);
      expect(r.code, argv.join(' ')).toBe(1);
      expect(r.err).toMatch(/^latent-ts: error: /m);
      expect(r.err).toMatch(message);
    }
    expect(existsSync(at('x.safetensors'))).toBe(false);
  });
});

describe('loading models by their metadata', () => {
  it('rejects a foreign safetensors file, an unknown type and an unreadable version, naming the file', async () => {
    const state = (await loadModelFile(at('pca.safetensors'))).toState();
    const foreign = at('foreign.safetensors');
    writeFileSync(foreign, encodeSafetensors({ w: { dtype: 'F32', shape: [1], data: new Float32Array([1]) } }));
    const gan = at('gan.safetensors');
    writeFileSync(gan, stateToBytes({ ...state, type: 'GAN' }));
    const future = at('future.safetensors');
    writeFileSync(future, stateToBytes({ ...state, version: 99 }));
    const cases: [string, RegExp][] = [
      [foreign, /foreign\.safetensors: not a latent-ts model/],
      [gan, /gan\.safetensors: unknown model type "GAN"/],
      [future, /future\.safetensors: .*version.*99/],
    ];
    for (const [model, message] of cases) {
      const r = await run('encode', '--model', model, '--data', files.data, '--out', at('z.csv'));
      expect(r.code, r.err).toBe(1);
      expect(r.err).toMatch(message);
    }
  });
});
