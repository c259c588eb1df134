/**
 * The `latent-ts` executable end to end, spawned as a separate Node process running the
 * TypeScript entry through tsx: help, usage errors (exit 2), fit → encode → sample (exit 0) and
 * corrupt model files (exit 1).
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/cli/csv.js';
import { parseXml } from '../helpers/xml.js';
import { TINY_ROWS, writeTinyData } from './tiny-data.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface Run { code: number | null; stdout: string; stderr: string }

/** Runs `node --import tsx src/cli/main.ts ...args` from the repository root. */
function cli(...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let dir: string;
let files: { data: string; labels: string };

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'latent-ts-cli-'));
  files = writeTinyData(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('latent-ts (spawned)', () => {
  it('--help at the top level and on each command exits 0 with the usage on stdout', async () => {
    const runs = await Promise.all([cli('--help'), cli('fit', '--help'), cli('encode', '-h'), cli('sample', '--help'), cli('demo', '--help')]);
    for (const r of runs) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/usage: latent-ts/);
      expect(r.stderr).toBe('');
    }
    expect(runs[0].stdout).toMatch(/fit <kind> .*\(pca\|ppca\|ae\|vae\|nmf\|tsvd\|ipca\|fa\|ica\|cvae\|vqvae\)/);
    expect(runs[1].stdout).toMatch(/--latent K/);
    expect(runs[3].stdout).toMatch(/-n N/);
  });

  it('bad arguments exit 2 with a message and a usage line on stderr', async () => {
    const runs = await Promise.all([
      cli(),
      cli('frobnicate'),
      cli('fit', 'pca', '--data', files.data),
      cli('fit', 'svm', '--data', files.data, '--out', 'x'),
      cli('sample', '--model', 'm', '-n', 'many', '--out', 'x.svg'),
      cli('encode', '--model', 'm', '--data', 'd', '--out', 'o', '--bogus'),
    ]);
    for (const r of runs) {
      expect(r.code, r.stdout + r.stderr).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^usage: latent-ts/m);
    }
    expect(runs[1].stderr).toMatch(/unknown command 'frobnicate'/);
    expect(runs[2].stderr).toMatch(/missing required option --out/);
    expect(runs[3].stderr).toMatch(/unknown model kind 'svm'/);
    expect(runs[4].stderr).toMatch(/-n must be an integer/);
    expect(runs[5].stderr).toMatch(/unknown option '--bogus'/);
  });

  it('fit pca on a CSV, then encode, then sample: exit 0 and the files exist', async () => {
    const model = join(dir, 'pca.safetensors');
    const fit = await cli('fit', 'pca', '--data', files.data, '--labels', files.labels, '--latent', '2', '--out', model);
    expect(fit.code, fit.stderr).toBe(0);
    expect(existsSync(model)).toBe(true);
    expect(fit.stdout).toMatch(/saved .*pca\.safetensors/);
    expect(fit.stdout).toMatch(/5-NN accuracy/);

    const codes = join(dir, 'codes.csv');
    const enc = await cli('encode', '--model', model, '--data', files.data, '--labels', files.labels, '--out', codes);
    expect(enc.code, enc.stderr).toBe(0);
    const table = parseCsv(readFileSync(codes, 'utf8'));
    expect(table.header).toEqual(['z1', 'z2', 'label']);
    expect(table.shape).toEqual([TINY_ROWS, 3]);

    const svg = join(dir, 'samples.svg');
    const smp = await cli('sample', '--model', model, '-n', '9', '--seed', '3', '--out', svg);
    expect(smp.code, smp.stderr).toBe(0);
    const root = parseXml(readFileSync(svg, 'utf8'));
    expect(root.name).toBe('svg');
  });

  it('a corrupted or foreign model file exits 1 with a message naming the file', async () => {
    const good = join(dir, 'good.safetensors');
    const fit = await cli('fit', 'pca', '--data', files.data, '--out', good, '--quiet');
    expect(fit.code, fit.stderr).toBe(0);
    const bad = join(dir, 'corrupt.safetensors');
    copyFileSync(good, bad);
    const bytes = readFileSync(bad);
    bytes[bytes.length - 20] ^= 0x40;
    writeFileSync(bad, bytes);
    const notModel = join(dir, 'text.safetensors');
    writeFileSync(notModel, 'this is not a model');

    const runs = await Promise.all([
      cli('encode', '--model', bad, '--data', files.data, '--out', join(dir, 'z.csv')),
      cli('sample', '--model', notModel, '-n', '4', '--out', join(dir, 's.svg')),
      cli('encode', '--model', join(dir, 'missing.safetensors'), '--data', files.data, '--out', join(dir, 'z.csv')),
    ]);
    for (const r of runs) {
      expect(r.code, r.stdout + r.stderr).toBe(1);
      expect(r.stderr).toMatch(/^latent-ts: error: /);
      expect(r.stderr).not.toMatch(/usage:/);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    }
    expect(runs[0].stderr).toMatch(/corrupt\.safetensors/);
    expect(runs[0].stderr).toMatch(/checksum|CRC|corrupt/i);
    expect(runs[1].stderr).toMatch(/text\.safetensors/);
    expect(runs[2].stderr).toMatch(/missing\.safetensors: no such file or directory/);
    expect(existsSync(join(dir, 'z.csv'))).toBe(false);
  });
});
