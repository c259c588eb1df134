/**
 * Cache-block sizes shared by both GEMM kernels.
 *
 * @module
 */

/** Upper limits of the cache blocks, in elements (BLIS names: KC, MC, NC). */
export interface Blocking {
  readonly kc: number;
  readonly mc: number;
  readonly nc: number;
}

/**
 * The block size for one call: at most about `limit`, a multiple of `multiple`, and balanced so
 * that the last block is not a small remainder (784 with limit 256 gives four blocks of 196,
 * not 256+256+256+16, whose short last pass would run the micro-kernel inefficiently).
 */
export function balancedBlock(total: number, limit: number, multiple: number): number {
  const blocks = Math.ceil(total / limit);
  return Math.ceil(Math.ceil(total / blocks) / multiple) * multiple;
}
