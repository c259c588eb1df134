import { expect } from 'vitest';
import { inflateSync } from 'node:zlib';
import { crc32 } from '../../src/io/crc32.js';

/** Reads back a PNG written by encodeGrayPng with an independent inflater, checking every CRC. */
export function decodeGrayPng(png: Uint8Array): { width: number; height: number; pixels: Uint8Array } {
  expect(Array.from(png.subarray(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let at = 8;
  const chunks: { type: string; data: Uint8Array }[] = [];
  while (at < png.length) {
    const len = view.getUint32(at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    expect(view.getUint32(at + 8 + len)).toBe(crc32(png, 0, at + 4, at + 8 + len));
    chunks.push({ type, data: png.subarray(at + 8, at + 8 + len) });
    at += 12 + len;
  }
  expect(chunks.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
  const ihdr = new DataView(chunks[0].data.buffer, chunks[0].data.byteOffset, 13);
  const width = ihdr.getUint32(0);
  const height = ihdr.getUint32(4);
  expect(Array.from(chunks[0].data.subarray(8))).toEqual([8, 0, 0, 0, 0]);
  const raw = inflateSync(chunks[1].data); // also checks the Adler-32 trailer
  expect(raw.length).toBe(height * (width + 1));
  const pixels = new Uint8Array(width * height);
  for (let r = 0; r < height; r++) {
    expect(raw[r * (width + 1)]).toBe(0);
    pixels.set(raw.subarray(r * (width + 1) + 1, (r + 1) * (width + 1)), r * width);
  }
  return { width, height, pixels };
}

