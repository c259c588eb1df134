import { describe, expect, it } from 'vitest';
import { imageGridSvg } from '../../src/viz/image-grid.js';
import { PALETTE } from '../../src/viz/palette.js';
import { scatterSvg } from '../../src/viz/scatter.js';
import { sideBySideSvg } from '../../src/viz/side-by-side.js';
import { ShapeError } from '../../src/errors.js';
import { findAll, parseXml, type XmlElement } from '../helpers/xml.js';
import { decodeGrayPng } from '../helpers/png-decode.js';

const texts = (root: XmlElement) => findAll(root, 'text').map((t) => t.text);
const HOSTILE = 'a < b & "c" </svg><script>alert(1)</script> \u0001 ünï';

function points(n: number) {
  const x = Array.from({ length: n }, (_, i) => Math.cos(i) * (1 + i / n));
  const y = Array.from({ length: n }, (_, i) => Math.sin(i * 1.7) * 3);
  const labels = Uint8Array.from({ length: n }, (_, i) => i % 10);
  return { x, y, labels };
}

describe('scatterSvg', () => {
  it('draws one circle per point plus a legend, with axes, ticks and labels', () => {
    const svg = scatterSvg(points(200), { title: 'PCA codes', xLabel: 'z₁', yLabel: 'z₂', width: 500, height: 400 });
    const root = parseXml(svg);
    expect(root.name).toBe('svg');
    expect(root.attrs.width).toBe('500');
    const circles = findAll(root, 'circle');
    expect(circles).toHaveLength(200 + 10);
    expect(texts(root)).toEqual(expect.arrayContaining(['PCA codes', 'z₁', 'z₂', '0', '9']));
    expect(findAll(root, 'line').length).toBeGreaterThan(8);
    // Each class is styled with its palette colour.
    expect(findAll(root, 'style')[0].text).toContain(`.c3{fill:${PALETTE[3]}}`);
    expect(circles.filter((c) => c.attrs.class === 'c3').length).toBe(20 + 1);
    // Every point is inside the plot area.
    for (const c of circles) {
      expect(Number(c.attrs.cx)).toBeGreaterThanOrEqual(0);
      expect(Number(c.attrs.cx)).toBeLessThanOrEqual(500);
      expect(Number(c.attrs.cy)).toBeGreaterThanOrEqual(0);
      expect(Number(c.attrs.cy)).toBeLessThanOrEqual(400);
    }
  });

  it('escapes hostile text and stays well-formed', () => {
    const root = parseXml(scatterSvg(points(5), { title: HOSTILE, xLabel: HOSTILE, labelNames: { 0: HOSTILE } }));
    expect(texts(root)).toContain(HOSTILE.replace('\u0001', ''));
    expect(findAll(root, 'script')).toHaveLength(0);
  });

  it('leaves out non-finite points and says so; handles no labels, one point and all-equal points', () => {
    const root = parseXml(scatterSvg({ x: [0, NaN, 2, Infinity], y: [1, 1, 3, 4] }));
    expect(findAll(root, 'circle')).toHaveLength(2);
    expect(texts(root)).toContain('2 non-finite points not shown');
    expect(findAll(parseXml(scatterSvg({ x: [5], y: [5] })), 'circle')).toHaveLength(1);
    expect(findAll(parseXml(scatterSvg({ x: [1, 1], y: [2, 2], labels: [0, 0] })), 'circle')).toHaveLength(3);
    expect(findAll(parseXml(scatterSvg({ x: [], y: [] })), 'circle')).toHaveLength(0);
    expect(findAll(parseXml(scatterSvg({ x: new Float32Array([1, 2]), y: new Float32Array([3, 4]) })), 'circle')).toHaveLength(2);
  });

  it('rejects mismatched lengths and bad sizes', () => {
    expect(() => scatterSvg({ x: [1, 2], y: [1] })).toThrow(ShapeError);
    expect(() => scatterSvg({ x: [1], y: [1], labels: [0, 1] })).toThrow(/one entry per point/);
    expect(() => scatterSvg({ x: [1], y: [1] }, { width: -5 })).toThrow(/width must be a finite number > 0/);
  });
});

describe('imageGridSvg', () => {
  const n = 6;
  const data = Float32Array.from({ length: n * 12 }, (_, i) => (i % 12) / 11);
  data[5] = NaN;
  data[6] = 7;

  it('embeds one PNG per image with the right pixels, in a grid with captions', () => {
    const svg = imageGridSvg({ data, shape: [n, 12] }, { imageShape: [3, 4], columns: 4, title: 'Samples', captions: ['a', 'b', 'c', 'd', 'e', 'f'], scale: 2 });
    const root = parseXml(svg);
    const images = findAll(root, 'image');
    expect(images).toHaveLength(n);
    expect(texts(root)).toEqual(['Samples', 'a', 'b', 'c', 'd', 'e', 'f']);
    expect(images[0].attrs.width).toBe('8');
    expect(images[0].attrs.height).toBe('6');
    // Row 2 starts below row 1.
    expect(Number(images[4].attrs.y)).toBeGreaterThan(Number(images[0].attrs.y));
    expect(images[4].attrs.x).toBe(images[0].attrs.x);
    const png = Buffer.from(images[0].attrs.href.replace('data:image/png;base64,', ''), 'base64');
    const decoded = decodeGrayPng(new Uint8Array(png));
    expect(decoded.width).toBe(4);
    expect(decoded.height).toBe(3);
    const expected = Array.from({ length: 12 }, (_, i) => (i === 5 ? 0 : i === 6 ? 255 : Math.round((i / 11) * 255)));
    expect(Array.from(decoded.pixels)).toEqual(expected);
  });

  it('inverts and rescales on request', () => {
    const svg = imageGridSvg({ data: [-1, 1], shape: [1, 2] }, { imageShape: [1, 2], valueRange: [-1, 1], invert: true });
    const href = findAll(parseXml(svg), 'image')[0].attrs.href;
    const { pixels } = decodeGrayPng(new Uint8Array(Buffer.from(href.split(',')[1], 'base64')));
    expect(Array.from(pixels)).toEqual([255, 0]);
  });

  it('escapes captions and handles an empty batch', () => {
    const root = parseXml(imageGridSvg({ data: [0, 1], shape: [1, 2] }, { imageShape: [1, 2], captions: [HOSTILE], title: HOSTILE }));
    expect(texts(root)).toEqual([HOSTILE.replace('\u0001', ''), HOSTILE.replace('\u0001', '')]);
    expect(findAll(parseXml(imageGridSvg({ data: [], shape: [0, 4] }, { imageShape: [2, 2] })), 'image')).toHaveLength(0);
  });

  it('rejects inconsistent shapes and options', () => {
    expect(() => imageGridSvg({ data, shape: [n, 12] }, { imageShape: [3, 3] })).toThrow(/imageShape \[3, 3\] has 9 pixels, but each image has 12/);
    expect(() => imageGridSvg({ data, shape: [n, 11] }, { imageShape: [1, 11] })).toThrow(/needs 66/);
    expect(() => imageGridSvg({ data, shape: [72] }, { imageShape: [3, 4] })).toThrow(ShapeError);
    expect(() => imageGridSvg({ data, shape: [n, 12] }, { imageShape: [3, 4], captions: ['x'] })).toThrow(/captions has 1 entries, but there are 6 images/);
    expect(() => imageGridSvg({ data, shape: [n, 12] }, { imageShape: [3, 4], columns: 0 })).toThrow(/columns must be an integer >= 1/);
    expect(() => imageGridSvg({ data, shape: [n, 12] }, { imageShape: [3, 4], valueRange: [1, 1] })).toThrow(/valueRange/);
    expect(() => imageGridSvg({ data, shape: [n, 12] }, { imageShape: [3, 4], gap: -1 })).toThrow(/gap must be/);
  });
});

describe('sideBySideSvg', () => {
  it('nests the panels in a row under their titles', () => {
    const a = scatterSvg(points(30), { width: 300, height: 250 });
    const b = scatterSvg(points(40), { width: 320, height: 260 });
    const c = '<?xml version="1.0" encoding="UTF-8"?>\n' + scatterSvg(points(50), { width: 280, height: 240 });
    const root = parseXml(sideBySideSvg([a, b, c], { titles: ['[A] PCA', '[B] AE', `[C] VAE ${HOSTILE}`], title: 'Codes', gap: 10 }));
    expect(root.attrs.width).toBe(String(10 + 300 + 10 + 320 + 10 + 280 + 10));
    expect(Number(root.attrs.height)).toBe(32 + 24 + 260 + 10);
    const nested = root.children.filter((el) => el.name === 'g').flatMap((g) => g.children.filter((el) => el.name === 'svg'));
    expect(nested.map((s) => s.attrs.width)).toEqual(['300', '320', '280']);
    expect(findAll(root, 'circle')).toHaveLength(30 + 40 + 50 + 30);
    expect(texts(root)).toEqual(expect.arrayContaining(['Codes', '[A] PCA', '[B] AE', `[C] VAE ${HOSTILE.replace('\u0001', '')}`]));
  });

  it('rejects panels that are not sized SVG documents', () => {
    expect(() => sideBySideSvg([])).toThrow(/non-empty array/);
    expect(() => sideBySideSvg(['<div/>'])).toThrow(/panels\[0\] must be an SVG document/);
    expect(() => sideBySideSvg(['<svg width="100%" height="10"></svg>'])).toThrow(/numeric width and height/);
    expect(() => sideBySideSvg([scatterSvg(points(3))], { titles: ['a', 'b'] })).toThrow(/titles has 2 entries, but there are 1 panels/);
  });
});
