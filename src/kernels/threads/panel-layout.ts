/**
 * How a shared product is cut into panels (gemm-parallel.ts, `productOnPool`): guided, large
 * panels first and small ones last. Threads claim panels in order until none is left, so the
 * thread that finishes first waits for the others' last panels only, and those are small. A
 * panel's elements are computed with the arithmetic of the one-thread product whatever its
 * size (its edges fall on register blocks), so the layout changes no bit; it is fixed by the
 * shape and the thread count, never by timing.
 *
 * @module
 */

/**
 * The smallest panel, in elements along the split dimension (columns of C, or rows). A panel
 * used to pack the whole shared operand again (A when split along n): measured on the VAE's
 * 128 × 400 × 784 product on one thread (bench/README.md, VAE threads), cutting it into 8
 * panels instead of 1 cost 8% (1.71 ms against 1.58), one packing of A being worth about 3.4
 * columns of C, and a panel of 24 kept that below about 15%. Each thread now packs an operand
 * of up to `PACKED_OPERAND_BYTES` once (gemm-parallel.ts), which brings the 2-thread panels of
 * the six VAE products within 1–3% of the unpanelled product's work at 24, 12 or 8. What is
 * left is the wait for the last panel: one-epoch two-thread VAE fits, four alternating rounds
 * (bench/README.md, "Threads from a fit's first steps"), waited 160–215 µs a step for other
 * threads' last panels at 12 against 258–339 at 24 and 206–257 at 8, and trained at 16,679–16,854
 * samples/s against 16,158–16,664 (24) and 16,324–16,667 (8).
 */
export const MIN_PANEL = 12;

/**
 * Panel sizes, in units (register blocks), that cover `units` for `threads` threads: each
 * panel is the larger of `minUnits` and ⌈remaining / (2·threads)⌉ (guided self-scheduling), a
 * remainder below `minUnits` added to the first; one panel for one thread. At most `maxPanels` panels; where guided needs more, `maxPanels`
 * (or fewer) nearly equal ones.
 *
 * @example
 * ```ts
 * guidedPanels(50, 2, 3, 31); // [15, 10, 7, 5, 4, 3, 3, 3]
 * ```
 */
export function guidedPanels(units: number, threads: number, minUnits: number, maxPanels: number): number[] {
  if (threads <= 1 || units <= minUnits) return [units];
  const sizes: number[] = [];
  for (let left = units; left > 0;) {
    const size = Math.max(minUnits, Math.ceil(left / (2 * threads)));
    // A remainder smaller than the smallest panel goes to the first (largest) panel.
    if (size > left) sizes[0] += left;
    else sizes.push(size);
    left -= Math.min(size, left);
  }
  if (sizes.length <= maxPanels) return sizes;
  const count = Math.min(maxPanels, units);
  return Array.from({ length: count }, (_, p) => Math.floor(units / count) + (p < units % count ? 1 : 0));
}

/**
 * Splits the rows 0 … p − 1 of an upper triangle into at most `parts` blocks of about equal
 * work (row i costs p − i additions per row of B), as [i0, i1) pairs.
 */
export function triangleBlocks(p: number, parts: number): Array<[number, number]> {
  const count = Math.max(1, Math.min(p, parts));
  const total = (p * (p + 1)) / 2;
  const blocks: Array<[number, number]> = [];
  let i0 = 0;
  let done = 0;
  for (let b = 1; b <= count && i0 < p; b++) {
    let i1 = i0;
    const target = (total * b) / count;
    while (i1 < p && (done < target || i1 === i0)) done += p - i1++;
    if (b === count) i1 = p;
    blocks.push([i0, i1]);
    i0 = i1;
  }
  return blocks;
}
