/** The demo's cocktail party: FastICA recovers each mixed voice (|correlation| near 1). */
import { describe, expect, it } from 'vitest';
import { cocktailParty } from '../../src/demo/cocktail.js';
import { parseXml } from '../helpers/xml.js';

describe('cocktailParty', () => {
  it('unmixes the three voices and draws three columns of three traces', () => {
    const { svg, recovery } = cocktailParty(0);
    expect(recovery).toHaveLength(3);
    for (const r of recovery) expect(r).toBeGreaterThan(0.99);
    expect(parseXml(svg).name).toBe('svg');
    expect(svg.match(/<polyline/g)).toHaveLength(9);
    expect(cocktailParty(0).svg).toBe(svg); // seeded: the same picture every run
  });
});
