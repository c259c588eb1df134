import { describe, expect, it, vi } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { FormatError } from '../../src/errors.js';
import { loadDigits } from '../../src/data/digits.js';

const CLASS_COUNTS = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];

/** Fast exact comparison (vitest's toEqual walks 6 million elements one by one). */
function sameBytes(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

function sha256(a: ArrayBufferView): string {
  return createHash('sha256').update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)).digest('hex');
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

  // SHA-256 of the arrays loadDigits returned at commit ee30a2c, when it read the mnist package's
  // JSON files: the embedded copy must give the same bytes, data, labels and split alike.
  it.each([
    [{}, ['44edca5489c4f5136a66a766b4dd075b28e8d15fc2969e69a72a5812b1dfbbb8', '541611fc2b176e2257cc105684149051733c1823bf6038b6f27c68dcc9104969',
      '0eb96a1b76c913a59e645c626b853a01533665f5fa89904cf50aaf2b736fca4d', 'c98c4f50258fb41503cbccee7849fc36cea9c33152921aed066314696274d549']],
    [{ seed: 'run-1', testFraction: 0.1 }, ['27b0fa6f8a8d6b41dfd6627c216b85388590ba58004015e80e3c9bfb48605652', '818c3fd260ad1e2ecccedf5bc4cff4661779d3c9d78819f9cdf96af00002c515',
      '40a3e9c705085a11e860de40f3306fe40ff7cd2503a4f5c32f7bc7bb83aa48d5', '25d2a55ec4c56565fede06662634c40020d7f82ab439f29da98edade60fb375f']],
  ])('returns the same bytes as before for %j', async (options, expected) => {
    const { train, test } = await loadDigits(options);
    expect([train.data, train.labels, test.data, test.labels].map(sha256)).toEqual(expected);
  });

  it('does not depend on the working directory', async () => {
    vi.resetModules();
    const { loadDigits: fresh } = await import('../../src/data/digits.js');
    const dir = await mkdtemp(join(tmpdir(), 'latent-ts-cwd-'));
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const { train } = await fresh({ seed: 3 });
      expect(sha256(train.labels)).toBe(sha256((await loadDigits({ seed: 3 })).train.labels));
    } finally {
      process.chdir(cwd);
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('loadDigits with damaged embedded data', () => {
  const idx = (dims: number[], body: Uint8Array) => {
    const head = new Uint8Array(4 + 4 * dims.length);
    const view = new DataView(head.buffer);
    view.setUint32(0, 0x800 | dims.length, false);
    dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
    return gzipSync(Buffer.concat([head, body])).toString('base64');
  };
  const withData = async (images: string, labels: string) => {
    vi.resetModules();
    vi.doMock('../../src/data/digits-data.js', () => ({ IMAGES_GZ_BASE64: images, LABELS_GZ_BASE64: labels }));
    try {
      const { loadDigits: fresh } = await import('../../src/data/digits.js');
      return await fresh().then(() => undefined, (error: unknown) => error);
    } finally {
      vi.doUnmock('../../src/data/digits-data.js');
      vi.resetModules();
    }
  };

  it('names the part that is truncated', async () => {
    const good = idx([2], new Uint8Array([3, 4]));
    const error = await withData(good.slice(0, 12), good);
    // A FormatError of the freshly imported module graph (so not `instanceof` this file's class).
    expect((error as Error).name).toBe(FormatError.name);
    expect((error as Error).message).toMatch(/^loadDigits: the built-in images: gzip data is corrupt or truncated/);
  });

  it('says when images and labels disagree', async () => {
    const error = await withData(idx([3, 28, 28], new Uint8Array(3 * 784)), idx([2], new Uint8Array([3, 4])));
    expect((error as Error).message).toBe('loadDigits: the built-in images have dimensions [3, 28, 28]; expected [2, 28, 28] to match the 2 labels');
  });

  it('says when the length differs from the header', async () => {
    const error = await withData(idx([2, 28, 28], new Uint8Array(784)), idx([2], new Uint8Array([3, 4])));
    expect((error as Error).message).toBe('loadDigits: the built-in images: decompressed to 800 bytes; its IDX header declares 1584');
  });

  it('rejects a wrong magic number', async () => {
    const error = await withData(idx([2], new Uint8Array([3, 4])), idx([2], new Uint8Array([3, 4])));
    expect((error as Error).message).toBe('loadDigits: the built-in images: bad IDX magic number 0x801; expected 0x803');
  });
});
