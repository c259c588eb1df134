/** imageGridPng: the grid's size and pixels, read back from the PNG's stored (uncompressed) deflate blocks. */
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { imageGridPng } from '../../src/viz/image-grid-png.js';

/** Width, height and the grey pixels (filter bytes removed) of an 8-bit greyscale PNG. */
function decode(png: Uint8Array): { width: number; height: number; pixels: Uint8Array } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  const idat: number[] = [];
  for (let at = 8; at < png.length;) {
    const length = view.getUint32(at);
    const type = new TextDecoder().decode(png.subarray(at + 4, at + 8));
    if (type === 'IDAT') idat.push(...png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const raw = inflateSync(Uint8Array.from(idat));
  const pixels = new Uint8Array(width * height);
  for (let r = 0; r < height; r++) {
    expect(raw[r * (width + 1)]).toBe(0);
    pixels.set(raw.subarray(r * (width + 1) + 1, (r + 1) * (width + 1)), r * width);
  }
  return { width, height, pixels };
}

describe('imageGridPng', () => {
  it('lays out scaled images with grey gaps and maps the value range to 0..255', () => {
    // Two 1×2 images: [0, 1] and [0.5, NaN], in two columns, scale 2, gap 1.
    const png = imageGridPng({ data: [0, 1, 0.5, NaN], shape: [2, 2] }, { imageShape: [1, 2], columns: 2, scale: 2, gap: 1 });
    const { width, height, pixels } = decode(png);
    expect([width, height]).toEqual([1 + 2 * (4 + 1), 1 + 1 * (2 + 1)]);
    const G = 128;
    const row = [G, 0, 0, 255, 255, G, 128, 128, 0, 0, G];
    expect(Array.from(pixels)).toEqual([...Array(11).fill(G), ...row, ...row, ...Array(11).fill(G)]);
  });

  it('clamps to valueRange and rejects bad options', () => {
    const { pixels } = decode(imageGridPng({ data: [-5, 5], shape: [1, 2] }, { imageShape: [1, 2], scale: 1, gap: 0, valueRange: [-1, 1] }));
    expect(Array.from(pixels)).toEqual([0, 255]);
    expect(() => imageGridPng({ data: [0, 1], shape: [1, 2] }, { imageShape: [1, 2], scale: 1.5 })).toThrow(/imageGridPng: scale must be an integer >= 1 \(got 1\.5\)/);
    expect(() => imageGridPng({ data: [0, 1], shape: [1, 2] }, { imageShape: [2, 2] })).toThrow(/imageGridPng: imageShape \[2, 2\] has 4 pixels, but each image has 2/);
  });
});
