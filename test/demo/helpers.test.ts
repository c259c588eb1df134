import { describe, expect, it } from 'vitest';
import { inverseNormalCdf, latentGrid } from '../../src/demo/manifold.js';
import { resolveDemoOptions } from '../../src/demo/options.js';

describe('latent grid', () => {
  it('inverseNormalCdf inverts the normal CDF', () => {
    expect(inverseNormalCdf(0.5)).toBeCloseTo(0, 12);
    expect(inverseNormalCdf(0.975)).toBeCloseTo(1.959963985, 8);
    expect(inverseNormalCdf(0.001)).toBeCloseTo(-3.090232306, 7);
    expect(inverseNormalCdf(1 - 1e-10)).toBeCloseTo(6.361340902, 6);
    expect(() => inverseNormalCdf(0)).toThrow(RangeError);
    expect(() => inverseNormalCdf(1)).toThrow(RangeError);
  });

  it('latentGrid spaces points by quantiles, top row high z2, left column low z1', () => {
    const g = latentGrid(4);
    expect(g.length).toBe(32);
    const ticks = [0.125, 0.375, 0.625, 0.875].map(inverseNormalCdf);
    expect(g[0]).toBeCloseTo(ticks[0], 6); // row 0, col 0: z1 lowest
    expect(g[1]).toBeCloseTo(ticks[3], 6); // z2 highest on the top row
    expect(g[2 * 3]).toBeCloseTo(ticks[3], 6); // col 3: z1 highest
    expect(g[(3 * 4) * 2 + 1]).toBeCloseTo(ticks[0], 6); // bottom row: z2 lowest
  });
});

describe('resolveDemoOptions', () => {
  it('fills the full and quick presets and checks options', () => {
    expect(resolveDemoOptions()).toMatchObject({ outDir: 'demo-output', quick: false, trainSize: 8000, testSize: 2000, seed: 0 });
    expect(resolveDemoOptions({ quick: true }).trainSize).toBeLessThan(8000);
    expect(resolveDemoOptions({ epochs: 10 })).toMatchObject({ epochs2d: 10, epochsWide: 8 });
    expect(() => resolveDemoOptions({ trainSize: 0 })).toThrow(/trainSize/);
    expect(() => resolveDemoOptions({ seed: 1.5 })).toThrow(/seed/);
  });
});
