/**
 * Row by row over a {@link RowSource}, for the streamed trainer (stream-batches.ts): the
 * source's batches checked as they arrive (`readRowBatches`, then the model's own check), an
 * optional seeded selection of rows (a held-out fraction of the stream), the rows' labels when
 * the batches carry them (`{ data, shape, labels }`, a supervised model's stream), and every
 * error the reading throws recorded before it is rethrown, so the fit can tell it came from the
 * data.
 *
 * @module
 */
import { readRowBatches, type CheckedBatch, type RowSource } from '../io/row-source.js';
import { Rng } from '../random/rng.js';
import type { FloatArray } from '../validate.js';

/**
 * Which rows of the stream a reader hands on: each row of the stream gets one uniform draw from
 * the stream `seed`, in stream order, and is held out when it is below `fraction`.
 *
 * @example
 * ```ts
 * const select: RowSelection = { seed: '7:validation-split', fraction: 0.1, held: false }; // the other 90%
 * ```
 */
export interface RowSelection {
  readonly seed: string;
  readonly fraction: number;
  /** True: hand on the held-out rows; false: the others. */
  readonly held: boolean;
}

/**
 * The model's check of a batch as it arrives: throws for a bad one, and returns the batch's
 * labels (checked, from the batch's `labels` field) for a supervised model, else null.
 */
export type BatchCheck = (b: CheckedBatch, labels: unknown) => Int32Array | null;

/** The error sink of a reader: set once, to the first error its reading threw. */
export interface FailureSink {
  failure: { readonly error: unknown } | null;
}

/**
 * One pass over a source, a row at a time. `ready()` tells synchronously whether a row is at
 * hand; `pull()` reads on (awaiting the source) until one is, or the pass ends.
 *
 * @example
 * ```ts
 * const r = new RowReader(source, 'VAE.fit', null, null, sink);
 * while (r.ready() || (await r.pull())) r.copyRow(out, 0);
 * ```
 */
export class RowReader {
  private readonly batches: AsyncGenerator<CheckedBatch>;
  private batch: CheckedBatch | null = null;
  private labels: Int32Array | null = null;
  /** The source's batch as it was yielded (readRowBatches hands on its checked copy without labels). */
  private raw: unknown = null;
  private mask: Uint8Array | null = null;
  private row = 0;
  private readonly rng: Rng | null;
  /** True once the source has no more batches. */
  done = false;
  /** Rows handed on so far. */
  taken = 0;

  constructor(
    source: RowSource, where: string, private readonly check: BatchCheck | null,
    private readonly select: RowSelection | null, private readonly sink: FailureSink,
  ) {
    this.batches = readRowBatches(this.tap(source), where);
    this.rng = select === null ? null : new Rng(select.seed);
  }

  /** The source, each batch remembered as it passes (for its labels). */
  private tap(source: RowSource): RowSource {
    if (source === null || typeof source !== 'object' || !(Symbol.asyncIterator in source || Symbol.iterator in source)) return source;
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the generator below records into this reader
    const reader = this;
    return (async function* tapped() {
      for await (const b of source as AsyncIterable<unknown>) {
        reader.raw = b;
        yield b as never;
      }
    })();
  }

  /** Whether a row is at hand, passing over rows the selection leaves out. */
  ready(): boolean {
    const b = this.batch;
    if (b === null) return false;
    if (this.mask !== null) while (this.row < b.rows && this.mask[this.row] === 0) this.row++;
    return this.row < b.rows;
  }

  /** Reads batches until a row is at hand (true) or the source ends (false). */
  async pull(): Promise<boolean> {
    while (!this.ready()) {
      if (this.done) return false;
      let next: IteratorResult<CheckedBatch>;
      try {
        next = await this.batches.next();
        if (!next.done) this.labels = this.check?.(next.value, (this.raw as { labels?: unknown } | null)?.labels) ?? null;
      } catch (e) {
        this.sink.failure ??= { error: e };
        throw e;
      }
      if (next.done === true) {
        this.done = true;
        this.batch = null;
        return false;
      }
      this.batch = next.value;
      this.row = 0;
      this.mask = this.rng === null ? null : this.selectRows(next.value.rows);
    }
    return true;
  }

  private selectRows(rows: number): Uint8Array {
    const { fraction, held } = this.select!;
    const mask = new Uint8Array(rows);
    for (let i = 0; i < rows; i++) mask[i] = (this.rng!.uniform() < fraction) === held ? 1 : 0;
    return mask;
  }

  /**
   * Copies the row at hand to `out` at `offset` (converting to `out`'s type), and its label to
   * `labels[at]` when both are there, and moves on; call after `ready()` or `pull()` said true.
   */
  copyRow(out: FloatArray, offset: number, labels: Int32Array | null = null, at = 0): void {
    const { data, cols } = this.batch!;
    out.set(data.subarray(this.row * cols, (this.row + 1) * cols), offset);
    if (labels !== null && this.labels !== null) labels[at] = this.labels[this.row];
    this.row++;
    this.taken++;
  }

  /** Closes the source's iterator (a file reader closes its file). */
  async close(): Promise<void> {
    await this.batches.return(undefined);
  }
}
