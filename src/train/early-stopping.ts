import type { Tensor } from '../tensor/tensor.js';
import type { FloatArray } from '../validate.js';

/**
 * Tracks the monitored loss across epochs for early stopping (Keras semantics: stop after
 * `patience` epochs in a row without a decrease of more than `minDelta`) and keeps a copy of
 * the best parameters to restore at the end.
 *
 * @example
 * ```ts
 * const early = new EarlyStopping(model.parameters(), { patience: 3, minDelta: 0, restoreBest: true });
 * if (early.observe(valLoss)) break;
 * early.restore();
 * ```
 */
export class EarlyStopping {
  private best = Infinity;
  private wait = 0;
  private snapshot: Map<string, FloatArray> | null = null;
  private bestIsCurrent = false;

  constructor(
    private readonly params: Map<string, Tensor>,
    private readonly options: { patience: number; minDelta: number; restoreBest: boolean },
  ) {}

  /** Records one epoch's monitored value; true when training should stop. */
  observe(value: number): boolean {
    if (value < this.best - this.options.minDelta) {
      this.best = value;
      this.wait = 0;
      this.bestIsCurrent = true;
      if (this.options.restoreBest) {
        const snap = this.snapshot ?? new Map<string, FloatArray>();
        for (const [name, p] of this.params) {
          const buf = snap.get(name);
          if (buf === undefined || buf.length !== p.size) snap.set(name, p.data.slice());
          else buf.set(p.data);
        }
        this.snapshot = snap;
      }
      return false;
    }
    this.bestIsCurrent = false;
    this.wait++;
    return this.wait >= this.options.patience;
  }

  /** The best monitored value seen. */
  get bestValue(): number { return this.best; }

  /** Copies the best parameters back (when asked for and they are not already current). */
  restore(): void {
    if (!this.options.restoreBest || this.snapshot === null || this.bestIsCurrent) return;
    for (const [name, p] of this.params) {
      const buf = this.snapshot.get(name);
      if (buf !== undefined) p.data.set(buf);
    }
    this.bestIsCurrent = true;
  }
}
