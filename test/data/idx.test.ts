import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FormatError } from '../../src/errors.js';
import { loadIdx, loadIdxPair } from '../../src/data/idx.js';
import { gzip, idxBytes, pixels } from '../helpers/idx-bytes.js';

const images = idxBytes([3, 2, 4], pixels(24));
const labels = idxBytes([3], new Uint8Array([7, 0, 9]));

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'latent-ts-idx-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function formatError(input: string | Uint8Array): Promise<string> {
  try {
    await loadIdx(input);
  } catch (e) {
    expect(e).toBeInstanceOf(FormatError);
    return (e as Error).message;
  }
  throw new Error('expected a FormatError, but loadIdx returned');
}

describe('loadIdx', () => {
  it('reads images, scaled to [0, 1]', async () => {
    const out = await loadIdx(images);
    if (out.kind !== 'images') throw new Error('expected images');
    expect(out.shape).toEqual([3, 8]);
    expect(out.imageShape).toEqual([2, 4]);
    expect(out.data).toBeInstanceOf(Float32Array);
    expect(Array.from(out.data)).toEqual(Array.from(pixels(24), (v) => Math.fround(v / 255)));
  });

  it('reads labels', async () => {
    const out = await loadIdx(labels);
    expect(out).toEqual({ kind: 'labels', labels: new Uint8Array([7, 0, 9]) });
  });

  it('reads gzipped input to the same result', async () => {
    expect(await loadIdx(await gzip(images))).toEqual(await loadIdx(images));
    expect(await loadIdx(await gzip(labels))).toEqual(await loadIdx(labels));
  });

  it('reads files from a path, plain and gzipped', async () => {
    await writeFile(join(dir, 'img.idx'), images);
    await writeFile(join(dir, 'img.idx.gz'), await gzip(images));
    expect(await loadIdx(join(dir, 'img.idx'))).toEqual(await loadIdx(images));
    expect(await loadIdx(join(dir, 'img.idx.gz'))).toEqual(await loadIdx(images));
  });

  it('accepts zero images', async () => {
    const out = await loadIdx(idxBytes([0, 28, 28], new Uint8Array(0)));
    expect(out).toMatchObject({ kind: 'images', shape: [0, 784], imageShape: [28, 28] });
  });

  it('names the file in errors', async () => {
    const path = join(dir, 'broken.idx');
    await writeFile(path, images.subarray(0, 20));
    expect(await formatError(path)).toMatch(new RegExp(`^loadIdx: ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `));
    expect(await formatError(images.subarray(0, 20))).toMatch(/^loadIdx: <bytes>: /);
  });

  it('lets a missing file fail with the path in the message', async () => {
    await expect(loadIdx(join(dir, 'missing.idx'))).rejects.toThrow(/missing\.idx/);
  });

  it('rejects a non-path, non-bytes argument with a TypeError', async () => {
    await expect(loadIdx(42 as never)).rejects.toThrow(TypeError);
  });

  const hugeDims = idxBytes([100_000, 100_000, 100_000], new Uint8Array(10));
  const malformed: [string, () => Promise<Uint8Array> | Uint8Array, RegExp][] = [
    ['an empty file', () => new Uint8Array(0), /file is empty/],
    ['a file shorter than the magic number', () => new Uint8Array([0, 0, 8]), /3 bytes, too short for the 4-byte magic number/],
    ['a bad magic number', () => new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]), /bad magic number 0x89504e47 \(expected 0x00000803 for images or 0x00000801 for labels\)/],
    ['a float element type', () => idxBytes([1], new Uint8Array(4), 0x0d), /unsupported element type 0x0d/],
    ['two dimensions', () => idxBytes([2, 2], new Uint8Array(4)), /declares 2 dimensions; expected 3 \(images\) or 1 \(labels\)/],
    ['zero dimensions', () => idxBytes([], new Uint8Array(0)), /declares 0 dimensions/],
    ['a truncated header', () => images.subarray(0, 10), /truncated header: 3 dimensions need 16 bytes, the file has 10/],
    ['truncated pixels', () => images.subarray(0, images.length - 1), /dimensions \[3, 2, 4\] need 40 bytes, the file has 39 \(truncated\)/],
    ['extra bytes', () => new Uint8Array([...labels, 1, 2]), /need 11 bytes, the file has 13 \(2 extra bytes\)/],
    ['zero-width images', () => idxBytes([2, 28, 0], new Uint8Array(0)), /positive height and width/],
    ['huge declared dimensions', () => hugeDims, /more than can be loaded/],
    ['huge declared dimensions, gzipped', () => gzip(hugeDims), /more than can be loaded/],
    ['only the gzip magic', () => new Uint8Array([0x1f, 0x8b]), /gzip data is corrupt or truncated/],
    ['truncated gzip', async () => (await gzip(images)).subarray(0, 25), /gzip data is corrupt or truncated/],
    ['a corrupt gzip trailer', async () => {
      const gz = await gzip(images);
      gz[gz.length - 6] ^= 0xff;
      return gz;
    }, /gzip data is corrupt or truncated/],
    ['gzip of nothing', () => gzip(new Uint8Array(0)), /file is empty/],
    ['gzip holding more than the header declares', async () => {
      const a = await gzip(labels);
      const b = await gzip(new Uint8Array(64));
      return new Uint8Array([...a, ...b]);
    }, /longer than the 11 bytes its header declares/],
    ['gzip of a truncated file', async () => gzip(images.subarray(0, 30)), /need 40 bytes, the file has 30 \(truncated\)/],
  ];

  it.each(malformed)('rejects %s with a FormatError', async (_name, make, message) => {
    expect(await formatError(await make())).toMatch(message);
  });

  it('never crashes or hangs on truncated or corrupted input (fuzz)', async () => {
    const gz = await gzip(images);
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(), fc.nat(), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { maxLength: 3 }),
        async (useGzip, cut, flips) => {
          const source = (useGzip ? gz : images).slice();
          for (const [at, mask] of flips) source[at % source.length] ^= mask;
          const bytes = source.subarray(0, flips.length === 0 ? cut % source.length : source.length - (cut % 2));
          try {
            const out = await loadIdx(bytes);
            // A flip inside the pixels gives a valid file; it must still be well-formed.
            if (out.kind === 'images') expect(out.data.length).toBe(out.shape[0] * out.shape[1]);
          } catch (e) {
            expect(e).toBeInstanceOf(FormatError);
          }
        },
      ),
      { numRuns: 300, seed: 61 },
    );
  });
});

describe('loadIdxPair', () => {
  it('returns data, shape, labels and imageShape', async () => {
    const out = await loadIdxPair(await gzip(images), labels);
    expect(out.shape).toEqual([3, 8]);
    expect(out.imageShape).toEqual([2, 4]);
    expect(Array.from(out.labels)).toEqual([7, 0, 9]);
    expect(out.data.length).toBe(24);
  });

  it('rejects mismatched counts, naming both files', async () => {
    const p1 = join(dir, 'a-images.idx');
    const p2 = join(dir, 'b-labels.idx');
    await writeFile(p1, images);
    await writeFile(p2, idxBytes([2], new Uint8Array([1, 2])));
    await expect(loadIdxPair(p1, p2)).rejects.toThrow(/a-images\.idx has 3 images but .*b-labels\.idx has 2 labels/);
  });

  it('rejects files given in the wrong order', async () => {
    await expect(loadIdxPair(labels, images)).rejects.toThrow(FormatError);
    await expect(loadIdxPair(labels, images)).rejects.toThrow(/<bytes> holds labels, expected images/);
    await expect(loadIdxPair(images, images)).rejects.toThrow(/holds images, expected labels/);
  });
});
