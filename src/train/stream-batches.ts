/**
 * A {@link RowSource} as the trainer's {@link BatchSource}: an epoch is one pass over the
 * source, its rows shuffled within a buffer of `shuffleBuffer` rows, so memory holds the
 * buffer and one batch, never the data.
 *
 * The shuffle. The buffer is filled with the first rows of the pass. If the pass ends before
 * it is full (the data fit in the buffer), the epoch is exactly an in-memory one: a permutation
 * of all N rows drawn from the shuffle stream, the batches gathered in that order, so the fit
 * has the bytes of `fit` on the same rows as a matrix. Otherwise each row of a batch is drawn
 * uniformly from the B rows in the buffer and its slot refilled with the next row of the stream
 * (when the stream ends, the buffer drains in random order). A row then leaves the buffer after
 * a geometric wait of mean B rows: rows far apart in the stream (more than about B) rarely swap
 * order, and the first batch holds only rows among the first B + batchSize. So B should be
 * large against any order in the data (sorted classes: B well above a class's run); B ≥ N is a
 * full shuffle. Without `shuffle` the rows come in stream order.
 *
 * Validation is a held-out source (read once per epoch, in chunks), or, with `validationSplit`,
 * a seeded fraction of the stream: each row is held out with that probability (one draw per
 * row from its own stream, the same rows on every pass), so the count varies around
 * fraction·N; the held-out rows are read in a second pass after each epoch.
 *
 * @module
 */
import type { CheckedBatch, RowSource } from '../io/row-source.js';
import { Rng, type RngState } from '../random/rng.js';
import { Tensor } from '../tensor/tensor.js';
import type { FloatArray } from '../validate.js';
import type { BatchAlloc, BatchSource, EpochBatches, EpochPlan, TrainingBatch, ValidationBatches } from './batch-source.js';
import { gatherLabels, gatherRows } from './batches.js';
import { RowReader, type BatchCheck, type FailureSink, type RowSelection } from './row-reader.js';

/**
 * Settings of {@link streamBatches}.
 *
 * @example
 * ```ts
 * const settings: StreamSettings = { cols: 784, float64: false, shuffleBuffer: 10_000, validation: null, validationSplit: 0, seed: 1, where: 'VAE.fit', check: null };
 * ```
 */
export interface StreamSettings {
  readonly cols: number;
  readonly float64: boolean;
  /** Rows in the shuffle buffer (at least one batch is used). */
  readonly shuffleBuffer: number;
  /** A held-out source, or null. */
  readonly validation: RowSource | null;
  /** Without `validation`: the fraction of the stream's rows held out (0: none). */
  readonly validationSplit: number;
  readonly seed: number | string;
  readonly where: string;
  /**
   * The model's check of each batch (`arg` names it in errors: 'X' or 'validationData'),
   * returning the batch's checked labels for a supervised model (see {@link BatchCheck}).
   */
  readonly check: ((b: CheckedBatch, arg: 'X' | 'validationData', labels: unknown) => Int32Array | null) | null;
  /** The batches carry labels (`{ data, shape, labels }`), handed to the loss with their rows. */
  readonly labelled?: boolean;
}

/** The default shuffle buffer of a streamed fit, in rows. */
export const DEFAULT_SHUFFLE_BUFFER = 10_000;

/**
 * The trainer's view of a row source (see the module comment for the shuffle and validation).
 *
 * @example
 * ```ts
 * const source = streamBatches(idxSource(path), { cols: 784, float64: false, shuffleBuffer: 10_000, validation: null, validationSplit: 0, seed: 1, where: 'VAE.fit', check: null });
 * await trainer.fit(model, source, null, opts, {}, (log) => log);
 * ```
 */
export function streamBatches(source: RowSource, s: StreamSettings): BatchSource {
  return new StreamSource(source, s);
}

class StreamSource implements BatchSource, FailureSink {
  failure: { readonly error: unknown } | null = null;
  /** Rows of the last complete pass, or null before one. */
  rows: number | null = null;
  readonly cols: number;
  readonly float64: boolean;
  readonly identity: { rows: number; buffer: number };
  readonly validation: ValidationBatches | null;
  private store: FloatArray;
  /** The buffer's labels (supervised streams). */
  private labelStore = new Int32Array(0);
  readonly labelled: boolean;

  constructor(private readonly source: RowSource, readonly s: StreamSettings) {
    this.cols = s.cols;
    this.float64 = s.float64;
    this.identity = { rows: 0, buffer: s.shuffleBuffer };
    this.labelled = s.labelled === true;
    this.store = this.array(0);
    const split = s.validation === null && s.validationSplit > 0;
    const held = s.validation ?? (split ? source : null);
    this.validation = held === null ? null : {
      rows: null,
      chunks: (chunk, alloc) => this.chunks(held, split ? this.selection(true) : null, chunk, alloc),
    };
  }

  array(rows: number): FloatArray {
    return this.float64 ? new Float64Array(rows * this.cols) : new Float32Array(rows * this.cols);
  }

  /** The buffer with room for `rows` rows, grown by doubling up to `cap` and keeping its contents. */
  room(rows: number, cap: number): FloatArray {
    if (this.store.length >= rows * this.cols) return this.store;
    const next = this.array(Math.min(cap, Math.max(rows, 2 * (this.store.length / this.cols), 256)));
    next.set(this.store);
    this.store = next;
    if (this.labelled) {
      const labels = new Int32Array(next.length / this.cols);
      labels.set(this.labelStore);
      this.labelStore = labels;
    }
    return next;
  }

  /** The labels of the buffer's rows (grown with it), or null for unsupervised data. */
  get bufferLabels(): Int32Array | null { return this.labelled ? this.labelStore : null; }

  selection(held: boolean): RowSelection | null {
    const f = this.s.validation === null ? this.s.validationSplit : 0;
    return f > 0 ? { seed: `${this.s.seed}:validation-split`, fraction: f, held } : null;
  }

  reader(source: RowSource, select: RowSelection | null, arg: 'X' | 'validationData'): RowReader {
    const check = this.s.check;
    const each: BatchCheck | null = check === null ? null : (b, labels) => check(b, arg, labels);
    return new RowReader(source, this.s.where, each, select, this);
  }

  epoch(plan: EpochPlan): EpochBatches {
    return new StreamEpoch(this, this.reader(this.source, this.selection(false), 'X'), plan);
  }

  async rowsPerEpoch(count = false): Promise<number | null> {
    if (this.rows !== null || !count) return this.rows;
    const r = this.reader(this.source, this.selection(false), 'X');
    const row = this.array(1);
    try {
      while (r.ready() || (await r.pull())) r.copyRow(row, 0);
    } finally {
      await r.close();
    }
    this.ended(r.taken);
    return this.rows;
  }

  /** Records a finished pass of `rows` rows; an empty pass is an error of the data. */
  ended(rows: number): void {
    if (rows === 0) {
      const e = new RangeError(`${this.s.where}: the row source yielded no rows (a generator can be read only once: for several passes give an object whose [Symbol.asyncIterator]() starts a new pass, such as idxSource)`);
      this.failure ??= { error: e };
      throw e;
    }
    this.rows = rows;
  }

  private async *chunks(source: RowSource, select: RowSelection | null, chunk: number, alloc: BatchAlloc): AsyncGenerator<TrainingBatch> {
    const r = this.reader(source, select, 'validationData');
    const cols = this.cols;
    try {
      for (;;) {
        if (!(r.ready() || (await r.pull()))) break;
        const out = alloc(chunk * cols);
        const labels = this.labelled ? new Int32Array(chunk) : null;
        let n = 0;
        while (n < chunk && (r.ready() || (await r.pull()))) {
          r.copyRow(out, cols * n, labels, n);
          n++;
        }
        yield { rows: new Tensor(n === chunk ? out : out.subarray(0, n * cols), [n, cols]), labels: labels === null || n === chunk ? labels : labels.slice(0, n) };
      }
    } finally {
      await r.close();
    }
    if (r.taken === 0) {
      const e = new RangeError(`${this.s.where}: the validation rows are empty (${select === null ? 'validationData yielded no rows' : 'validationSplit held out no row of the stream'})`);
      this.failure ??= { error: e };
      throw e;
    }
  }
}

/** One pass: fill the buffer, then hand out batches (see the module comment). */
class StreamEpoch implements EpochBatches {
  private readonly rng: Rng | null;
  private readonly cap: number;
  private buffer: FloatArray;
  /** Rows in the buffer. */
  private count = 0;
  /** Next slot of the ring (stream order, without shuffle). */
  private head = 0;
  /** 'whole': the pass fitted in the buffer and runs as an in-memory epoch. */
  private mode: 'unread' | 'whole' | 'reservoir' | 'ring' = 'unread';
  private order: Int32Array | null = null;
  private after: RngState | null = null;
  private batch = 0;
  private emitted = 0;
  private over = false;

  constructor(private readonly src: StreamSource, private readonly reader: RowReader, private readonly plan: EpochPlan) {
    this.rng = plan.order === null ? null : Rng.fromState(plan.order);
    this.cap = Math.max(src.s.shuffleBuffer, plan.batchSize);
    this.buffer = src.room(0, this.cap);
  }

  get batchesPerEpoch(): number {
    const rows = this.mode === 'whole' ? this.count : this.src.rows;
    return rows === null ? 0 : Math.ceil(rows / this.plan.batchSize);
  }

  shuffleState(): RngState | null { return this.over ? this.after : null; }
  finished(): boolean { return this.over; }
  async close(): Promise<void> { await this.reader.close(); }

  async next(alloc: BatchAlloc): Promise<TrainingBatch | null> {
    if (this.mode === 'unread') {
      await this.fill();
      while (this.batch < this.plan.skip && !this.over) await this.emit(null);
    }
    if (this.over) return null;
    return this.emit(alloc);
  }

  /** Reads until the buffer is full or the pass ends, and picks the mode. */
  private async fill(): Promise<void> {
    const r = this.reader;
    const cols = this.src.cols;
    while (this.count < this.cap && (r.ready() || (await r.pull()))) {
      this.buffer = this.src.room(this.count + 1, this.cap);
      r.copyRow(this.buffer, cols * this.count, this.src.bufferLabels, this.count);
      this.count++;
    }
    if (!(r.ready() || (await r.pull()))) {
      this.mode = 'whole';
      this.src.ended(this.count);
      this.order = this.rng === null ? null : this.rng.permutation(this.count);
      this.after = this.rng?.state() ?? null;
    } else {
      this.mode = this.rng === null ? 'ring' : 'reservoir';
    }
  }

  /** The next batch into `alloc`'s array, or passed over (null). */
  private async emit(alloc: BatchAlloc | null): Promise<TrainingBatch | null> {
    const { batchSize } = this.plan;
    const cols = this.src.cols;
    if (this.mode === 'whole') {
      const start = this.batch * batchSize;
      const end = Math.min(start + batchSize, this.count);
      if (++this.batch * batchSize >= this.count) this.over = true;
      if (alloc === null) return null;
      const out = alloc((end - start) * cols);
      const held = this.src.bufferLabels;
      const labels = held === null ? null : gatherLabels(held, this.order, start, end);
      return { rows: gatherRows({ data: this.buffer, rows: this.count, cols }, this.order, start, end, out), labels };
    }
    // While the stream lasts the buffer is full (cap ≥ batchSize rows), so a short count means the stream has ended.
    const n = Math.min(batchSize, this.count);
    const out = alloc === null ? null : alloc(n * cols);
    const labels = out === null || !this.src.labelled ? null : new Int32Array(n);
    for (let i = 0; i < n; i++) await this.takeRow(out, i * cols, labels, i);
    this.batch++;
    if (this.count === 0) {
      this.over = true;
      this.after = this.rng?.state() ?? null;
      this.src.ended(this.emitted);
    }
    return out === null ? null : { rows: new Tensor(out, [n, cols]), labels };
  }

  /** One row out of the buffer (a uniform slot, or the ring's head), its slot refilled from the stream. */
  private async takeRow(out: FloatArray | null, offset: number, labels: Int32Array | null, at: number): Promise<void> {
    const cols = this.src.cols;
    const b = this.buffer;
    const held = this.src.bufferLabels;
    const slot = this.rng === null ? this.head : this.rng.int(0, this.count);
    if (out !== null) out.set(b.subarray(slot * cols, (slot + 1) * cols), offset);
    if (labels !== null && held !== null) labels[at] = held[slot];
    this.emitted++;
    const r = this.reader;
    if (r.ready() || (await r.pull())) {
      r.copyRow(b, slot * cols, held, slot);
      if (this.rng === null) this.head = (this.head + 1) % this.cap;
    } else if (this.rng === null) {
      this.head = (this.head + 1) % this.cap;
      this.count--;
    } else {
      const last = --this.count;
      if (slot !== last) {
        b.copyWithin(slot * cols, last * cols, (last + 1) * cols);
        if (held !== null) held[slot] = held[last];
      }
    }
  }
}
