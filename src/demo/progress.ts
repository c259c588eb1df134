/**
 * Progress lines of the demo: one line when a step starts, a few while a model trains, one when
 * it ends, each stamped with the time since the demo started.
 *
 * @module
 */

/** Receives one line of progress text (without the newline). */
export type ProgressWriter = (line: string) => void;

/**
 * Writes lines to stderr.
 *
 * @example
 * ```ts
 * runDemo({ progress: stderrProgress });
 * ```
 */
export const stderrProgress: ProgressWriter = (line) => {
  process.stderr.write(line + '\n');
};

/**
 * Time-stamped progress reporting for one demo run.
 *
 * @example
 * ```ts
 * const p = new DemoProgress(stderrProgress);
 * p.line('loading digits');   // "[   0.0 s] loading digits"
 * ```
 */
export class DemoProgress {
  private readonly t0 = performance.now();

  constructor(private readonly write: ProgressWriter | null) {}

  /** Seconds since this object was made. */
  elapsed(): number {
    return (performance.now() - this.t0) / 1000;
  }

  /** Writes one stamped line. */
  line(text: string): void {
    if (this.write) this.write(`[${this.elapsed().toFixed(1).padStart(6)} s] ${text}`);
  }

  /**
   * Decides whether epoch `epoch` of `epochs` gets a line: about five per run, always the first
   * and the last.
   */
  static reportsEpoch(epoch: number, epochs: number): boolean {
    const every = Math.max(1, Math.round(epochs / 5));
    return epoch === 1 || epoch === epochs || epoch % every === 0;
  }
}
