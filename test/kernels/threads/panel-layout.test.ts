/**
 * The guided panel layout of a shared float32 product (kernels/threads/panel-layout.ts): the
 * panels cover the product exactly, never shrink below the smallest panel (but for a product
 * smaller than that), get smaller towards the end, stay within the job slot's table, and are one
 * panel on one thread; the worker script runs the listed-panels command.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COMMAND_PANELS_LISTED, JOB_PANELS, MAX_LISTED_PANELS, SLOT_BYTES } from '../../../src/kernels/threads/control.js';
import { MIN_PANEL_BEYOND_L2, SHARED_IN_L2_BYTES, panelPlan } from '../../../src/kernels/threads/gemm-parallel.js';
import { MIN_PANEL, guidedPanels } from '../../../src/kernels/threads/panel-layout.js';
import { packedOperandBytes } from '../../../src/kernels/wasm/gemm-wasm.js';
import { NODE_WORKER_SOURCE } from '../../../src/kernels/threads/worker-source.js';

describe('guidedPanels', () => {
  it('covers the units with panels of at least the minimum, largest first, within the table', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 20000 }), fc.integer({ min: 1, max: 16 }), fc.integer({ min: 1, max: 8 }), (units, threads, min) => {
      const sizes = guidedPanels(units, threads, min, MAX_LISTED_PANELS);
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(units);
      expect(sizes.length).toBeLessThanOrEqual(MAX_LISTED_PANELS);
      expect(sizes.every((s) => Number.isInteger(s) && s >= 1)).toBe(true);
      if (units >= min) expect(Math.min(...sizes)).toBeGreaterThanOrEqual(Math.min(min, Math.floor(units / MAX_LISTED_PANELS)));
      // Non-increasing, but for the equal fallback's one-unit steps.
      for (let p = 1; p < sizes.length; p++) expect(sizes[p]).toBeLessThanOrEqual(sizes[p - 1]);
      if (threads === 1) expect(sizes).toEqual([units]);
    }));
  });

  it('cuts the VAE products at 2 threads into about ten panels, the last ones small', () => {
    // 400 columns in blocks of 8, at least 3 blocks (24 columns) per panel.
    expect(guidedPanels(50, 2, 3, MAX_LISTED_PANELS)).toEqual([15, 10, 7, 5, 4, 3, 3, 3]);
    expect(guidedPanels(2, 2, 3, MAX_LISTED_PANELS)).toEqual([2]);
    // Where guided needs more panels than the table holds: nearly equal ones.
    expect(guidedPanels(100000, 4, 3, 31)).toEqual(Array.from({ length: 31 }, (_, p) => (p < 100000 % 31 ? 3226 : 3225)));
  });

  it('takes larger smallest panels where the packed shared operand exceeds L2', () => {
    const shape = { mr: 5, nr: 8, unroll: 4 };
    const widths = (m: number, n: number, k: number): number[] => {
      const plan = panelPlan(shape, 2, m, n, k);
      return plan.starts.slice(1).map((s, p) => s - plan.starts[p]);
    };
    // The VAE's first product: A (128 × 784) packed in 400 KB, panels down to MIN_PANEL.
    expect(packedOperandBytes(128, 784, 5)).toBeLessThanOrEqual(SHARED_IN_L2_BYTES);
    const vae = widths(128, 400, 784);
    expect(Math.min(...vae)).toBe(Math.ceil(MIN_PANEL / 8) * 8);
    // 512²: A padded to 515 rows is 1.05 MB, panels of at least MIN_PANEL_BEYOND_L2.
    expect(packedOperandBytes(512, 512, 5)).toBeGreaterThan(SHARED_IN_L2_BYTES);
    const square = widths(512, 512, 512);
    expect(Math.min(...square)).toBeGreaterThanOrEqual(MIN_PANEL_BEYOND_L2);
    expect(square.reduce((a, b) => a + b, 0)).toBe(512);
    // An explicit smallest panel (the panel-work bench's) overrides both.
    const forced = panelPlan(shape, 2, 512, 512, 512, 8);
    expect(forced.count).toBeGreaterThan(panelPlan(shape, 2, 512, 512, 512).count);
  });

  it('fits the table in the job slot, and the worker knows the command', () => {
    expect(JOB_PANELS + 2 * MAX_LISTED_PANELS).toBeLessThanOrEqual(SLOT_BYTES / 4);
    expect(NODE_WORKER_SOURCE).toContain(`command === ${COMMAND_PANELS_LISTED}`);
  });
});
