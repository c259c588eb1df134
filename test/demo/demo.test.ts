/**
 * The demo end to end in quick mode on a small subset: every picture is well-formed SVG, every
 * model file loads back, and metrics.json holds finite numbers in sane ranges.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModelFile } from '../../src/cli/model-file.js';
import { CODE_TITLES, ZOOM_SHARE } from '../../src/demo/figures.js';
import { asMatrix } from '../../src/app/matrix.js';
import { runDemo, type DemoResult } from '../../src/demo/run-demo.js';
import { findAll, parseXml } from '../helpers/xml.js';

const PICTURES = ['codes-2d.svg', 'vae-samples.svg', 'reconstructions.svg', 'vae-manifold.svg', 'parts.svg', 'ica-cocktail.svg', 'semi-supervised.svg', 'cvae-samples.svg', 'vqvae-samples.svg'];
const MODELS = ['pca', 'ppca', 'ae', 'vae'].flatMap((m) => [2, 16, 32].map((k) => `${m}-${k}.safetensors`));

let dir: string;
let result: DemoResult;
const progress: string[] = [];
const printed: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'latent-ts-demo-'));
  result = await runDemo({ outDir: dir, quick: true, progress: (l) => progress.push(l), report: (t) => printed.push(t) });
  // 27 s alone at load 5; beside the rest of the suite on 2 cores it has taken over 100 s.
}, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('runDemo (quick)', () => {
  it('writes the pictures, models, metrics and index page', () => {
    for (const f of [...PICTURES, ...MODELS, 'metrics.json', 'metrics.txt', 'semi-supervised.txt', 'index.html']) {
      expect(existsSync(join(dir, f)), f).toBe(true);
      expect(result.files).toContain(f);
    }
  });

  it('every SVG is well-formed XML; the code figure has the three titled scatters', () => {
    for (const f of PICTURES) {
      const root = parseXml(readFileSync(join(dir, f), 'utf8'));
      expect(root.name, f).toBe('svg');
    }
    const codes = parseXml(readFileSync(join(dir, 'codes-2d.svg'), 'utf8'));
    const texts = findAll(codes, 'text').map((t) => t.text);
    for (const title of CODE_TITLES) expect(texts).toContain(title);
    const nTest = result.rows[0] && JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8')).data.test;
    // Each panel draws one circle per test digit plus a 10-entry legend; the zoomed panel the
    // share of the autoencoder's codes nearest the origin.
    const zoom = texts.map((t) => /^\[B\] centre: (\d+) of (\d+) digits, \|z₁\|, \|z₂\| ≤ [\d.e+-]+$/.exec(t ?? '')).find((m) => m !== null);
    expect(zoom, 'the zoomed panel title').toBeDefined();
    const kept = Number(zoom![1]);
    expect(Number(zoom![2])).toBe(nTest);
    expect(kept).toBe(Math.ceil(ZOOM_SHARE * nTest));
    expect(findAll(codes, 'circle').length).toBe(3 * (nTest + 10) + kept + 10);
    const manifold = parseXml(readFileSync(join(dir, 'vae-manifold.svg'), 'utf8'));
    expect(findAll(manifold, 'image').length).toBe(8 * 8);
    // The quick run decodes 16 uniform codes of each discrete model.
    for (const f of ['cvae-samples.svg', 'vqvae-samples.svg']) expect(findAll(parseXml(readFileSync(join(dir, f), 'utf8')), 'image').length, f).toBe(16);
  });

  it('metrics.json holds finite numbers in sane ranges', () => {
    const metrics = JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8'));
    expect(metrics.models).toHaveLength(14);
    const row = (name: string) => metrics.models.find((r: { name: string }) => r.name === name);
    for (const r of metrics.models) {
      for (const [key, v] of Object.entries(r)) {
        if (typeof v === 'number') expect(Number.isFinite(v), `${r.name}.${key}`).toBe(true);
      }
      expect(r.reconstructionMse).toBeGreaterThan(0);
      expect(r.reconstructionMse).toBeLessThan(0.2);
      expect(r.knnAccuracy).toBeGreaterThanOrEqual(0);
      expect(r.knnAccuracy).toBeLessThanOrEqual(1);
      if (r.latentDim === 2) expect(r.precisionAt100).toBeNull();
      else {
        expect(r.precisionAt100).toBeGreaterThan(0.1); // chance is about 0.1
        expect(r.precisionAt100).toBeLessThanOrEqual(1);
      }
    }
    const ev2 = row('PCA-2').explainedVarianceRatio;
    const ev16 = row('PCA-16').explainedVarianceRatio;
    const ev32 = row('PCA-32').explainedVarianceRatio;
    expect(ev2).toBeGreaterThan(0);
    expect(ev2).toBeLessThan(ev16);
    expect(ev16).toBeLessThan(ev32);
    expect(ev32).toBeLessThan(1);
    // More components reconstruct better.
    expect(row('PCA-32').reconstructionMse).toBeLessThan(row('PCA-2').reconstructionMse);
    // Neural codes separate digits far better than chance even after a few epochs.
    for (const name of ['AE-2', 'VAE-2', 'AE-16', 'VAE-16']) expect(row(name).knnAccuracy, name).toBeGreaterThan(0.3);
    for (const name of ['VAE-2', 'VAE-16', 'VAE-32']) {
      const v = row(name);
      expect(v.elbo).toBeLessThan(0);
      expect(v.klNats).toBeGreaterThan(0);
      expect(v.reconstructionNats).toBeGreaterThan(0);
      expect(v.reconstructionNats + v.klNats).toBeCloseTo(-v.elbo, 6);
    }
    // The discrete-code rows: 16-bit codes searched by symbol-wise Hamming distance.
    for (const [name, family] of [['CVAE-8x4', 'CategoricalVAE'], ['VQ-VAE-8x4', 'VQVAE']]) {
      const d = row(name);
      expect(d, name).toBeDefined();
      expect(d).toMatchObject({ family, latentDim: 16 });
      expect(d.precisionAt100).toBeGreaterThanOrEqual(0);
      expect(d.precisionAt100).toBeLessThanOrEqual(1);
    }
    expect(row('VQ-VAE-8x4').elbo).toBeNull();
    expect(row('PPCA-16').logLikelihood).toBeGreaterThan(row('PPCA-2').logLikelihood);
    expect(metrics.hashing.PCA['16bits']).toBe(row('PCA-16').precisionAt100);
    // The semi-supervised entry: 6 methods at 2 labels-per-class values and the all-labels reference.
    const semi = metrics.semiSupervised;
    expect(semi.sources).toMatchObject({ autoencoder: 'AE-32', vae: 'VAE-32', pca: 'PCA-32', mlp: '784-128-32-10' });
    expect(semi.rows).toHaveLength(13);
    for (const r of semi.rows) {
      expect(r.accuracies).toHaveLength(r.labelsPerClass === null ? 1 : 2);
      expect(r.mean).toBeGreaterThan(0.3); // chance is 0.1
      expect(r.mean).toBeLessThanOrEqual(1);
    }
    expect(metrics.settings.ae2d).toEqual({ hiddenDims: [128, 32], pretrainEpochs: 2, epochs: 12 });
  });

  it('prints the metrics table, then the semi-supervised one, and reports progress for every training run', () => {
    expect(printed).toEqual([result.table, result.semiSupervisedTable]);
    for (const name of ['PCA-2', 'AE-2', 'VAE-2', 'VAE-32']) expect(printed[0]).toMatch(new RegExp(`^${name}\\s`, 'm'));
    expect(readFileSync(join(dir, 'metrics.txt'), 'utf8')).toBe(printed[0] + '\n');
    expect(readFileSync(join(dir, 'semi-supervised.txt'), 'utf8')).toBe(printed[1] + '\n');
    expect(printed[1]).toMatch(/^method\s+5 labels\/class\s+20 labels\/class$/m);
    // The 2-D autoencoder is pre-trained layer by layer first.
    expect(progress.some((l) => l.includes('AE-2: pre-training 784-128-32-2 layer by layer'))).toBe(true);
    expect(progress.some((l) => l.includes('AE-2: level 1 (128→32) loss'))).toBe(true);
    for (const name of ['AE-2', 'AE-16', 'AE-32', 'VAE-2', 'VAE-16', 'VAE-32']) {
      expect(progress.some((l) => l.includes(`${name}: training`)), name).toBe(true);
      expect(progress.some((l) => l.includes(`${name}: done in`)), name).toBe(true);
      expect(progress.some((l) => new RegExp(`${name}: epoch \\d+/\\d+ {2}loss \\S+ nats/sample .*ETA `).test(l)), name).toBe(true);
    }
    // The slow steps after training are announced, and each model's measurement has a line.
    for (const step of ['measuring 12 models', 'drawing the figures', 'semi-supervised table', 'saving 12 models']) {
      expect(progress.some((l) => l.includes(`${step}`) && l.endsWith('…')), step).toBe(true);
      expect(progress.some((l) => new RegExp(`${step}: done in \\d+\\.\\d s$`).test(l)), step).toBe(true);
    }
    for (const r of result.rows) expect(progress.some((l) => l.includes(`${r.name}: measured in`)), r.name).toBe(true);
    for (const name of ['CVAE-8x4', 'VQ-VAE-8x4']) expect(progress.some((l) => new RegExp(`${name}: precision@100 0\\.\\d{3} `).test(l)), name).toBe(true);
  });

  it('saved models load back and give the same codes', async () => {
    const vae = await loadModelFile(join(dir, 'vae-2.safetensors'));
    const pca = await loadModelFile(join(dir, 'pca-16.safetensors'));
    const X = { data: new Float32Array(3 * 784).fill(0.2), shape: [3, 784] as [number, number] };
    expect(asMatrix(vae.encode(X)).shape).toEqual([3, 2]);
    expect(asMatrix(pca.encode(X)).shape).toEqual([3, 16]);
  });
});
