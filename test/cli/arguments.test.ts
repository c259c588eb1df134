/**
 * The command line's argument errors all exit 2 with a usage line, before any work: output
 * paths that cannot be written, sample file types, and settings the data cannot support.
 * Also: `sample --out s.png` writes a real PNG, and epoch lines carry the loss unit and an ETA.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from './run-cli.js';
import { TINY_FEATURES, writeTinyData } from './tiny-data.js';


let dir: string;
let files: { data: string; labels: string };
let pca: string;
let wide: string;
const at = (name: string) => join(dir, name);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'latent-ts-args-'));
  files = writeTinyData(dir);
  pca = at('pca.safetensors');
  expect((await run('fit', 'pca', '--data', files.data, '--out', pca, '--quiet')).code).toBe(0);
  wide = at('wide.csv');
  writeFileSync(wide, '1,2,3\n4,5,6\n7,8,9\n1,1,1\n2,2,-2\n3,3,3\n');
  mkdirSync(at('subdir'));
  writeFileSync(at('plain-file'), 'x');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bad arguments exit 2 with a usage line', () => {
  const cases: [string, () => string[], RegExp][] = [
    ['fit --out in a missing directory', () => ['fit', 'vae', '--data', files.data, '--epochs', '50', '--out', at('no/such/dir/m.safetensors')],
      /--out .*no\/such\/dir\/m\.safetensors: the directory .*no\/such\/dir does not exist/],
    ['fit --out naming a directory', () => ['fit', 'pca', '--data', files.data, '--out', at('subdir')], /--out .*subdir is a directory; give a file name/],
    ['fit --out under a file', () => ['fit', 'pca', '--data', files.data, '--out', join(at('plain-file'), 'm.safetensors')], /plain-file is not a directory/],
    ['encode --out in a missing directory', () => ['encode', '--model', pca, '--data', files.data, '--out', at('nope/z.csv')], /the directory .*nope does not exist/],
    ['sample --out in a missing directory', () => ['sample', '--model', pca, '-n', '4', '--out', at('nope/s.svg')], /the directory .*nope does not exist/],
    ['demo --out naming a file', () => ['demo', '--quick', '--out', at('plain-file')], /--out .*plain-file is a file, not a directory/],
    ['sample --out with another extension', () => ['sample', '--model', pca, '-n', '4', '--out', at('s.txt')], /--out must end in \.svg or \.png .* or \.csv .*s\.txt/],
    ['sample --out without an extension', () => ['sample', '--model', pca, '-n', '4', '--out', at('samples')], /--out must end in \.svg or \.png/],
    ['--image-shape that does not fit the samples', () => ['sample', '--model', pca, '-n', '4', '--image-shape', '3x3', '--out', at('s.svg')],
      /--image-shape 3x3 has 9 pixels, but each sample has 16 values/],
    ['no --image-shape for non-square samples', () => ['sample', '--model', at('wide-pca.safetensors'), '-n', '4', '--out', at('s.png')],
      /samples have 3 values, not a square image; pass --image-shape/],
    ['pca --latent above the feature count', () => ['fit', 'pca', '--data', files.data, '--latent', '99', '--out', at('x.safetensors')],
      /--latent 99 is more than pca can find in the data \(60 × 16\): at most min\(rows, features\) = 16/],
    ['fa --latent above the feature count', () => ['fit', 'fa', '--data', files.data, '--latent', '17', '--out', at('x.safetensors')],
      /--latent 17 is more than fa can fit in the data \(60 × 16\): at most min\(rows, features\) = 16/],
    ['ppca --latent equal to the feature count', () => ['fit', 'ppca', '--data', files.data, '--latent', '16', '--out', at('x.safetensors')],
      /--latent 16 is too large for ppca on the data \(60 × 16\): it must be below the 16 features/],
    ['--likelihood bernoulli on data outside [0, 1]', () => ['fit', 'vae', '--data', wide, '--likelihood', 'bernoulli', '--out', at('x.safetensors')],
      /--likelihood bernoulli needs every data value in \[0, 1\]; scale the data or use --likelihood gaussian/],
    ['help with an extra argument', () => ['help', 'fit', 'now'], /unexpected argument 'now' after help fit/],
    ['--version with an extra argument', () => ['--version', 'now'], /unexpected argument 'now' after --version/],
  ];

  it.each(cases)('%s', async (_name, argv, message) => {
    if (!existsSync(at('wide-pca.safetensors'))) {
      expect((await run('fit', 'pca', '--data', wide, '--out', at('wide-pca.safetensors'), '--quiet')).code).toBe(0);
    }
    const r = await run(...argv());
    expect(r.code, r.err).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(message);
    expect(r.err).toMatch(/\nusage: latent-ts/);
    expect(r.err).not.toMatch(/: epoch \d|\.tmp/); // refused before any training, never naming a temp file
    expect(existsSync(at('x.safetensors'))).toBe(false);
  });
});

/** `[width, height]` from a PNG's IHDR chunk, after checking the signature and the chunk type. */
function pngSize(bytes: Uint8Array): [number, number] {
  expect(Array.from(bytes.subarray(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  expect(view.getUint32(8)).toBe(13);
  expect(new TextDecoder().decode(bytes.subarray(12, 16))).toBe('IHDR');
  return [view.getUint32(16), view.getUint32(20)];
}

describe('sample --out FILE.png', () => {
  it('writes a PNG grid of the expected size, and SVG only for .svg', async () => {
    const png = at('samples.PNG');
    const r = await run('sample', '--model', pca, '-n', '10', '--columns', '4', '--out', png);
    expect(r.code, r.err).toBe(0);
    // 16 values per sample are 4×4 images; the grid has 4 columns and 3 rows of 2× pixels with 2-pixel gaps.
    const side = Math.sqrt(TINY_FEATURES);
    expect(pngSize(readFileSync(png))).toEqual([2 + 4 * (side * 2 + 2), 2 + 3 * (side * 2 + 2)]);
    expect(readFileSync(png).includes(Buffer.from('<svg'))).toBe(false);

    const svg = at('samples.svg');
    expect((await run('sample', '--model', pca, '-n', '10', '--out', svg)).code).toBe(0);
    expect(readFileSync(svg, 'utf8')).toMatch(/^<\?xml|^<svg/);
  });

  it('takes --image-shape for the PNG grid', async () => {
    const png = at('wide.png');
    const model = at('wide-pca2.safetensors');
    expect((await run('fit', 'pca', '--data', wide, '--out', model, '--quiet')).code).toBe(0);
    expect((await run('sample', '--model', model, '-n', '3', '--image-shape', '1x3', '--columns', '3', '--out', png)).code).toBe(0);
    expect(pngSize(readFileSync(png))).toEqual([2 + 3 * (3 * 2 + 2), 2 + 1 * (1 * 2 + 2)]);
  });
});

describe('progress lines of fit', () => {
  it('epoch lines give the loss unit, throughput, elapsed time and an ETA; slow steps get lines', async () => {
    const vae = await run('fit', 'vae', '--data', files.data, '--labels', files.labels, '--epochs', '2', '--hidden', '4', '--out', at('v.safetensors'));
    expect(vae.code, vae.err).toBe(0);
    const lines = vae.err.split('\n');
    expect(lines.find((l) => l.startsWith('vae: epoch 1/2'))).toMatch(/^vae: epoch 1\/2 {2}loss \d+\.\d{4} nats\/sample .* samples\/s {2}elapsed \d+\.\d s {2}ETA \d+\.\d s$/);
    expect(lines.find((l) => l.startsWith('vae: epoch 2/2'))).toMatch(/ETA 0\.0 s$/);
    expect(lines[0]).toBe(`reading ${files.data}`);
    expect(lines[1]).toMatch(/^read 60 × 16 in \d+\.\d s; fitting vae with 2-D codes$/);
    expect(vae.err).toMatch(/5-NN accuracy of the codes: encoding and classifying the held-out rows\n5-NN accuracy measured in \d+\.\d s/);
    expect(vae.out).toMatch(/5-NN accuracy of the codes \(last 12 rows/);

    // The VQ-VAE's codes are indices: its k-NN line classifies the encoder outputs and says so.
    const vq = await run('fit', 'vqvae', '--data', files.data, '--labels', files.labels, '--epochs', '1', '--hidden', '4', '--codes', '4', '--out', at('q.safetensors'));
    expect(vq.code, vq.err).toBe(0);
    expect(vq.err).toMatch(/^vqvae: epoch 1\/1 {2}loss \d+\.\d{4} nats\/sample/m);
    expect(vq.out).toMatch(/5-NN accuracy of the encoder outputs \(last 12 rows/);

    const ae = await run('fit', 'ae', '--data', wide, '--epochs', '1', '--hidden', '4', '--batch-size', '3', '--out', at('a.safetensors'));
    expect(ae.code, ae.err).toBe(0);
    expect(ae.err).toMatch(/^ae: epoch 1\/1 {2}loss \d+\.\d{4} squared error\/sample .* ETA 0\.0 s$/m);
  });
});
