import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { escapeXml, num } from '../../src/viz/svg.js';
import { formatTick, niceTicks } from '../../src/viz/ticks.js';
import { PALETTE, colorFor } from '../../src/viz/palette.js';
import { parseXml } from '../helpers/xml.js';

describe('escapeXml', () => {
  it('makes any string safe as text and as an attribute, keeping its valid characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (s) => {
        const e = escapeXml(s);
        const root = parseXml(`<a t="${e}" u='${e}'>${e}</a>`);
        // eslint-disable-next-line no-control-regex -- the characters XML 1.0 forbids, as in svg.ts
        const kept = s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '');
        expect(root.text).toBe(kept);
        expect(root.attrs.t).toBe(kept);
        expect(root.attrs.u).toBe(kept);
      }),
      { numRuns: 300, seed: 3 },
    );
  });

  it('escapes the five special characters', () => {
    expect(escapeXml(`<a href="x">&'`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;');
  });
});

describe('num', () => {
  it('rounds to 2 decimals without -0', () => {
    expect(num(1.23456)).toBe('1.23');
    expect(num(-0.001)).toBe('0');
    expect(num(100)).toBe('100');
  });
});

describe('niceTicks', () => {
  it('covers the range with round steps', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.double({ min: 1e-6, max: 1e6, noNaN: true }), fc.integer({ min: 2, max: 10 }), (min, span, count) => {
        const max = min + span;
        const t = niceTicks(min, max, count);
        expect(t.lo).toBeLessThanOrEqual(min);
        expect(t.hi).toBeGreaterThanOrEqual(max);
        const mantissa = t.step / 10 ** Math.floor(Math.log10(t.step) + 1e-12);
        expect([1, 2, 5, 10].some((m) => Math.abs(mantissa - m) < 1e-9)).toBe(true);
        expect(t.values.length).toBeGreaterThanOrEqual(2);
        expect(t.values.length).toBeLessThanOrEqual(3 * count + 2);
        for (let i = 1; i < t.values.length; i++) expect(t.values[i]).toBeGreaterThan(t.values[i - 1]);
      }),
      { numRuns: 300, seed: 4 },
    );
  });

  it('gives the expected ticks on simple ranges and widens a degenerate one', () => {
    expect(niceTicks(0.3, 9.2, 5).values).toEqual([0, 2, 4, 6, 8, 10]);
    expect(niceTicks(-1, 1, 4).values).toEqual([-1, -0.5, 0, 0.5, 1]);
    expect(niceTicks(3, 3, 4).values).toEqual([2, 2.5, 3, 3.5, 4]);
    expect(formatTick(0.1 + 0.2, 0.1)).toBe('0.3');
    expect(formatTick(-0.0000001, 0.5)).toBe('0.0');
    expect(formatTick(2000, 500)).toBe('2000');
  });
});

describe('palette', () => {
  it('has ten distinct colours and cycles', () => {
    expect(new Set(PALETTE).size).toBe(10);
    expect(colorFor(3)).toBe(PALETTE[3]);
    expect(colorFor(13)).toBe(PALETTE[3]);
    expect(colorFor(-1)).toBe(PALETTE[1]);
    expect(colorFor(NaN)).toBe(PALETTE[0]);
  });
});
