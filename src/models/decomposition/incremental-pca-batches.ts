/**
 * Regrouping a stream's rows into IncrementalPCA's batches: whatever sizes a source's batches
 * have, `fit` decomposes the batches scikit-learn's `gen_batches(n, size, min_batch_size=k)`
 * would cut from the whole matrix (full batches of `size` rows, the last one absorbing a
 * remainder shorter than k), so a fit from a source equals the fit of the loaded matrix.
 *
 * @module
 */
import type { DenseMatrix } from '../../validate.js';

/**
 * A buffer of at most size + minBatch rows (float64). A full batch is released only once
 * size + minBatch rows are buffered, because only then is it certain that the rows after it
 * are not a remainder that must join it.
 *
 * @example
 * ```ts
 * const buf = new RowBuffer(100, 5, d);
 * for (const b of buf.push(data, rows)) use(b); // views, valid until the next use of buf
 * const rest = buf.flush();
 * ```
 */
export class RowBuffer {
  private readonly data: Float64Array;
  private count = 0;

  constructor(readonly size: number, readonly minBatch: number, readonly cols: number) {
    this.data = new Float64Array((size + minBatch) * cols);
  }

  /** Appends rows; yields each full batch as a view of the buffer, valid until the next step. */
  *push(x: Float32Array | Float64Array, rows: number): Generator<DenseMatrix<Float64Array>> {
    const { cols, size } = this;
    const capacity = size + this.minBatch;
    let r = 0;
    while (r < rows) {
      const take = Math.min(rows - r, capacity - this.count);
      this.data.set(x.subarray(r * cols, (r + take) * cols), this.count * cols);
      this.count += take;
      r += take;
      if (this.count === capacity) {
        yield { data: this.data.subarray(0, size * cols), rows: size, cols };
        this.data.copyWithin(0, size * cols, capacity * cols);
        this.count -= size;
      }
    }
  }

  /** The rows still buffered, as the last batch (a view), or null when there are none. */
  flush(): DenseMatrix<Float64Array> | null {
    if (this.count === 0) return null;
    const rows = this.count;
    this.count = 0;
    return { data: this.data.subarray(0, rows * this.cols), rows, cols: this.cols };
  }
}
