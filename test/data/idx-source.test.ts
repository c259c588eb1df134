import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FormatError } from '../../src/errors.js';
import { loadIdx } from '../../src/data/idx.js';
import { idxSource } from '../../src/data/idx-source.js';
import type { RowBatch } from '../../src/io/row-source.js';
import { gzip, idxBytes, pixels } from '../helpers/idx-bytes.js';

const N = 23;
const images = idxBytes([N, 3, 5], pixels(N * 15, 4));

let dir = '';
const file = (name: string) => join(dir, name);
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'latent-ts-idx-source-'));
  await writeFile(file('raw'), images);
  await writeFile(file('gz'), await gzip(images));
  await writeFile(file('labels'), idxBytes([3], new Uint8Array([1, 2, 3])));
  await writeFile(file('short'), images.subarray(0, images.length - 7));
  await writeFile(file('short.gz'), await gzip(images.subarray(0, images.length - 7)));
  await writeFile(file('long'), new Uint8Array([...images, 9, 9]));
  await writeFile(file('header'), images.subarray(0, 10));
  await writeFile(file('empty'), new Uint8Array(0));
  await writeFile(file('corrupt.gz'), (await gzip(images)).subarray(0, 40));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function collect(source: AsyncIterable<RowBatch>): Promise<RowBatch[]> {
  const out: RowBatch[] = [];
  for await (const b of source) out.push(b);
  return out;
}

async function message(source: AsyncIterable<RowBatch>): Promise<string> {
  try {
    await collect(source);
  } catch (e) {
    expect(e).toBeInstanceOf(FormatError);
    return (e as Error).message;
  }
  throw new Error('expected a FormatError');
}

describe('idxSource', () => {
  it('streams the values of loadIdx in batches, raw or gzipped, for any chunk size', async () => {
    const whole = await loadIdx(images);
    if (whole.kind !== 'images') throw new Error('expected images');
    for (const name of ['raw', 'gz']) {
      for (const [batchSize, chunkBytes] of [[1, 1], [4, 7], [5, 16], [100, 1 << 20]]) {
        const batches = await collect(idxSource(file(name), { batchSize, chunkBytes }));
        const sizes = batches.map((b) => b.shape[0]);
        expect(sizes.reduce((a, b) => a + b, 0)).toBe(N);
        expect(sizes.slice(0, -1).every((s) => s === batchSize)).toBe(true);
        for (const b of batches) {
          expect(b.data).toBeInstanceOf(Float32Array);
          expect(b.shape[1]).toBe(15);
        }
        const all = new Float32Array(N * 15);
        let at = 0;
        for (const b of batches) {
          all.set(b.data, at);
          at += b.data.length;
        }
        expect(all).toEqual(whole.data);
      }
    }
  });

  it('can be iterated again, and closes the file when the consumer stops early', async () => {
    const source = idxSource(file('gz'), { batchSize: 4, chunkBytes: 8 });
    for await (const b of source) {
      expect(b.shape).toEqual([4, 15]);
      break;
    }
    expect((await collect(source)).length).toBe(6);
  });

  it('names the file and what is wrong', async () => {
    expect(await message(idxSource(file('labels')))).toMatch(/idxSource: .*labels: holds labels \(1 dimension\); idxSource reads images/);
    expect(await message(idxSource(file('short'), { batchSize: 5 }))).toMatch(/dimensions \[23, 3, 5\] need 361 bytes, the file has 354 \(truncated\)/);
    expect(await message(idxSource(file('short.gz')))).toMatch(/the decompressed file has 354 \(truncated\)/);
    expect(await message(idxSource(file('long')))).toMatch(/extra bytes after the last image/);
    expect(await message(idxSource(file('header')))).toMatch(/truncated header: the file ends after 10 bytes/);
    expect(await message(idxSource(file('empty')))).toMatch(/file is empty/);
    expect(await message(idxSource(file('corrupt.gz')))).toMatch(/gzip data is corrupt or truncated/);
    await expect(collect(idxSource(file('missing')))).rejects.toThrow(/idxSource: .*missing does not exist/);
    expect(() => idxSource(file('raw'), { batchsize: 3 } as never)).toThrow(/unknown option 'batchsize'/);
    expect(() => idxSource(file('raw'), { batchSize: 0 })).toThrow(/batchSize must be an integer >= 1 \(got 0\)/);
  });
});
