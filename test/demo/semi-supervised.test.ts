/**
 * The demo's semi-supervised table on tiny data: the labelled draws (per class, distinct per
 * seed, reproducible), mean ± sd, the table's rows and text, the figure, and determinism.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SEMI_SUPERVISED } from '../../src/demo/semi-supervised-plan.js';
import { semiSupervisedFigure } from '../../src/demo/semi-supervised-figure.js';
import { formatSemiSupervisedTable, methodLabel, semiSupervisedJson, type SourceNames } from '../../src/demo/semi-supervised-report.js';
import {
  FEW_LABEL_METHODS, drawLabelled, labelledSubset, meanSd, semiSupervised, takeRows,
  type PretrainedSources, type SemiSupervisedRow, type SemiSupervisedSettings,
} from '../../src/demo/semi-supervised.js';
import { Autoencoder } from '../../src/models/neural/autoencoder.js';
import { PCA } from '../../src/models/decomposition/pca.js';
import { VAE } from '../../src/models/neural/vae.js';
import { Rng } from '../../src/random/rng.js';
import { findAll, parseXml } from '../helpers/xml.js';
import type { Matrix } from '../../src/app/matrix.js';

/** Three well-separated classes in [0, 1]^8: class c lights up features 2c..2c+2. */
function blobs(n: number, seed: string): { X: Matrix; labels: Int32Array } {
  const rng = new Rng(seed);
  const d = 8;
  const X = new Float32Array(n * d);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    labels[i] = c;
    for (let j = 0; j < d; j++) X[i * d + j] = Math.min(1, Math.max(0, (j >= 2 * c && j < 2 * c + 3 ? 0.8 : 0.15) + 0.1 * rng.normal()));
  }
  return { X: { data: X, shape: [n, d] }, labels };
}

const NAMES: SourceNames = { autoencoder: 'AE-4', vae: 'VAE-4', pca: 'PCA-4', mlp: '8-6-4-3' };
const schedule = { steps: 15, batchSize: 8, learningRate: 1e-2 };
const SETTINGS: SemiSupervisedSettings = {
  labelsPerClass: [2, 5],
  seeds: 3,
  seed: 7,
  schedules: { 'random': schedule, 'ae-finetuned': { ...schedule, encoderLearningRate: 1e-3 }, 'ae-frozen': schedule, 'vae-finetuned': schedule, 'vae-frozen': schedule },
  C: 1,
  allLabelsC: 1,
};

let sources: PretrainedSources;
let pool: { X: Matrix; labels: Int32Array };
let evaluation: { X: Matrix; labels: Int32Array };
let rows: SemiSupervisedRow[];
const reported: SemiSupervisedRow[] = [];
let codesBefore: { ae: number[]; vae: number[] };

beforeAll(async () => {
  pool = blobs(60, 'pool');
  evaluation = blobs(30, 'eval');
  const autoencoder = new Autoencoder({ inputDim: 8, hiddenDims: [6], latentDim: 4, seed: 1 });
  await autoencoder.fit(pool.X, { epochs: 5, batchSize: 16 });
  const vae = new VAE({ inputDim: 8, hiddenDims: [6], latentDim: 4, likelihood: 'bernoulli', seed: 2 });
  await vae.fit(pool.X, { epochs: 5, batchSize: 16 });
  sources = { autoencoder, vae, pca: new PCA({ nComponents: 4 }).fit(pool.X) };
  codesBefore = { ae: Array.from(autoencoder.encode(pool.X).data), vae: Array.from(vae.encode(pool.X).data) };
  rows = await semiSupervised(sources, pool, evaluation, SETTINGS, (r) => reported.push(r));
}, 60_000);

describe('meanSd', () => {
  it('is the mean and the sample (n − 1) standard deviation', () => {
    const { mean, sd } = meanSd([0.7, 0.8, 0.9]);
    expect(mean).toBeCloseTo(0.8, 15);
    expect(sd).toBeCloseTo(0.1, 15);
    expect(meanSd([1, 2, 3, 4])).toEqual({ mean: 2.5, sd: Math.sqrt(5 / 3) });
    expect(meanSd([0.5])).toEqual({ mean: 0.5, sd: 0 });
    expect(() => meanSd([])).toThrow(/empty/);
  });
});

describe('labelled draws', () => {
  const labels = Int32Array.from({ length: 100 }, (_, i) => (i * 7) % 4);

  it('take perClass rows of each class, sorted, without repeats', () => {
    const idx = labelledSubset(labels, 4, 5, new Rng('a'));
    expect(idx.length).toBe(20);
    expect(new Set(idx).size).toBe(20);
    expect(Array.from(idx)).toEqual(Array.from(idx).sort((a, b) => a - b));
    for (let c = 0; c < 4; c++) expect(Array.from(idx).filter((i) => labels[i] === c).length).toBe(5);
  });

  it('are reproducible with a seed and differ between seeds and label counts', () => {
    expect(drawLabelled(labels, 4, 5, 0, 1)).toEqual(drawLabelled(labels, 4, 5, 0, 1));
    const draws = [0, 1, 2, 3, 4].map((r) => Array.from(drawLabelled(labels, 4, 5, 0, r)).join(','));
    expect(new Set(draws).size).toBe(5);
    expect(drawLabelled(labels, 4, 5, 1, 0)).not.toEqual(drawLabelled(labels, 4, 5, 0, 0));
  });

  it('name the class that has too few rows', () => {
    expect(() => labelledSubset([0, 0, 1], 2, 2, new Rng(0))).toThrow(/class 1 has 1 rows, fewer than perClass = 2/);
  });

  it('takeRows copies the rows in order', () => {
    const X: Matrix = { data: Float64Array.from([0, 1, 2, 3, 4, 5]), shape: [3, 2] };
    expect(takeRows(X, [2, 0])).toEqual({ data: Float64Array.from([4, 5, 0, 1]), shape: [2, 2] });
  });
});

describe('semiSupervised', () => {
  it('gives one row per method and labels-per-class value, then the all-labels reference', () => {
    expect(rows.map((r) => [r.method, r.labelsPerClass])).toEqual([
      ...FEW_LABEL_METHODS.map((m) => [m, 2]),
      ...FEW_LABEL_METHODS.map((m) => [m, 5]),
      ['all-labels', null],
    ]);
    expect(reported).toEqual(rows);
    for (const r of rows) {
      expect(r.accuracies).toHaveLength(r.method === 'all-labels' ? 1 : SETTINGS.seeds);
      expect(r.labelled).toBe(r.labelsPerClass === null ? 60 : 3 * r.labelsPerClass);
      for (const a of r.accuracies) {
        expect(a).toBeGreaterThanOrEqual(0);
        expect(a).toBeLessThanOrEqual(1);
        expect(a * 30).toBeCloseTo(Math.round(a * 30), 9); // a fraction of the 30 evaluation rows
      }
      expect({ mean: r.mean, sd: r.sd }).toEqual(meanSd(r.accuracies));
    }
    // The blobs are easy: logistic regression on PCA codes of all rows gets nearly all right.
    expect(rows.at(-1)!.mean).toBeGreaterThan(0.9);
  });

  it('is deterministic with its seed and changes with it', async () => {
    const again = await semiSupervised(sources, pool, evaluation, SETTINGS);
    expect(again).toEqual(rows);
    const other = await semiSupervised(sources, pool, evaluation, { ...SETTINGS, seed: 8, methods: ['random', 'pca-logreg'] });
    expect(other.map((r) => r.method)).toEqual(['random', 'pca-logreg', 'random', 'pca-logreg']);
    expect(other.map((r) => r.accuracies)).not.toEqual(rows.filter((r) => r.method === 'random' || r.method === 'pca-logreg').map((r) => r.accuracies));
  }, 60_000);

  it('leaves the pre-trained models unchanged (fine-tuning trains copies)', () => {
    expect(Array.from((sources.autoencoder as Autoencoder).encode(pool.X).data)).toEqual(codesBefore.ae);
    expect(Array.from((sources.vae as VAE).encode(pool.X).data)).toEqual(codesBefore.vae);
  });
});

describe('the table, its JSON and its figure', () => {
  it('format a line per method with mean ± sd per labels-per-class column', () => {
    const text = formatSemiSupervisedTable(rows, SETTINGS, NAMES, { train: 60, test: 30 });
    const lines = text.split('\n');
    const header = lines.findIndex((l) => l.startsWith('method'));
    expect(lines[header]).toMatch(/^method\s+2 labels\/class\s+5 labels\/class$/);
    const body = lines.slice(header + 2, header + 2 + FEW_LABEL_METHODS.length + 1);
    FEW_LABEL_METHODS.forEach((m, i) => {
      const r2 = rows.find((r) => r.method === m && r.labelsPerClass === 2)!;
      const r5 = rows.find((r) => r.method === m && r.labelsPerClass === 5)!;
      expect(body[i].startsWith(methodLabel(m, NAMES))).toBe(true);
      expect(body[i]).toContain(`${r2.mean.toFixed(3)} ± ${r2.sd.toFixed(3)}`);
      expect(body[i].endsWith(`${r5.mean.toFixed(3)} ± ${r5.sd.toFixed(3)}`)).toBe(true);
    });
    expect(body.at(-1)).toContain(`${rows.at(-1)!.mean.toFixed(3)} (60 labels)`);
    expect(text).toMatch(/validation split of the training digits/);
  });

  it('JSON keeps every row with its label and the settings', () => {
    const entry = JSON.parse(JSON.stringify(semiSupervisedJson(rows, SETTINGS, NAMES)));
    expect(entry.rows).toHaveLength(rows.length);
    expect(entry.rows[0]).toMatchObject({ method: 'random', labelsPerClass: 2, label: methodLabel('random', NAMES) });
    expect(entry.settings.seeds).toBe(3);
  });

  it('the figure is well-formed SVG with a line and ±sd bars per method and the dashed reference', () => {
    const root = parseXml(semiSupervisedFigure(rows, NAMES));
    expect(root.name).toBe('svg');
    expect(findAll(root, 'polyline')).toHaveLength(FEW_LABEL_METHODS.length);
    // A marker per (method, labels-per-class) point and one per legend entry.
    expect(findAll(root, 'circle')).toHaveLength(FEW_LABEL_METHODS.length * 3);
    const texts = findAll(root, 'text').map((t) => t.text);
    for (const m of FEW_LABEL_METHODS) expect(texts).toContain(methodLabel(m, NAMES));
    expect(findAll(root, 'line').filter((l) => l.attrs['stroke-dasharray'] !== undefined)).toHaveLength(2);
    expect(() => semiSupervisedFigure(rows.slice(-1), NAMES)).toThrow(/labels-per-class/);
  });

  it('the demo settings are the validated ones: 10 and 100 labels per class, 5 seeds', () => {
    expect(DEMO_SEMI_SUPERVISED.labelsPerClass).toEqual([10, 100]);
    expect(DEMO_SEMI_SUPERVISED.seeds).toBe(5);
  });
});
