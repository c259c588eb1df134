/**
 * The code figure's zoomed panel: which codes it keeps and what its title says.
 */
import { describe, expect, it } from 'vitest';
import { codesFigure, zoomTitle } from '../../src/demo/figures.js';
import { findAll, parseXml } from '../helpers/xml.js';

const matrix = (pairs: number[][]) => ({ data: Float32Array.from(pairs.flat()), shape: [pairs.length, 2] as [number, number] });

describe('codesFigure', () => {
  it("adds the autoencoder's codes nearest the origin as a zoomed fourth panel", () => {
    // max(|z₁|, |z₂|) = 0, 1, …, 7: three quarters of 8 is 6 codes, those with radius ≤ 5.
    const ae = matrix([[0, 0], [1, -0.5], [-2, 1], [0.5, 3], [-4, 4], [5, -5], [6, 1], [0, -7]]);
    const other = matrix(Array.from({ length: 8 }, (_, i) => [i, -i]));
    const svg = parseXml(codesFigure([other, ae, other], [0, 1, 2, 3, 4, 5, 6, 7]));
    const texts = findAll(svg, 'text').map((t) => t.text);
    expect(texts).toContain('[B] centre: 6 of 8 digits, |z₁|, |z₂| ≤ 5');
    // Three full panels and the zoomed one, each with an 8-entry legend (labels 0-7), the zoomed
    // one with 6 of the legend's entries (only the labels it shows).
    expect(findAll(svg, 'circle').length).toBe(3 * (8 + 8) + 6 + 6);
  });

  it('keeps two significant digits of the square in the title', () => {
    expect(zoomTitle(1500, 2000, 8.347)).toBe('[B] centre: 1500 of 2000 digits, |z₁|, |z₂| ≤ 8.3');
    expect(zoomTitle(1, 1, 0)).toBe('[B] centre: 1 of 1 digits, |z₁|, |z₂| ≤ 0');
  });
});
