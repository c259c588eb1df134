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
  private lastLine = this.t0;

  /**
   * @param write Where lines go; `null` for silence.
   * @param stamped Prefix each line with the seconds since this object was made (default true);
   *   the demo's background thread sends its lines unstamped, so the main thread stamps them on its
   *   own clock when they arrive.
   */
  constructor(private readonly write: ProgressWriter | null, private readonly stamped = true) {}

  /** Seconds since this object was made. */
  elapsed(): number {
    return (performance.now() - this.t0) / 1000;
  }

  /** Seconds since the last line (or since this object was made). */
  sinceLastLine(): number {
    return (performance.now() - this.lastLine) / 1000;
  }

  /** Writes one stamped line. */
  line(text: string): void {
    this.lastLine = performance.now();
    if (this.write) this.write(this.stamped ? `[${this.elapsed().toFixed(1).padStart(6)} s] ${text}` : text);
  }

  /**
   * Runs `step` between a line announcing it and one giving its duration, so no slow step
   * passes in silence: `[   3.1 s] label (detail)…` then `[   5.9 s] label: done in 2.8 s`.
   */
  async step<T>(label: string, step: () => T | Promise<T>, detail?: string): Promise<T> {
    this.line(`${label}${detail ? ` (${detail})` : ''}…`);
    const t0 = performance.now();
    const out = await step();
    this.line(`${label}: done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    return out;
  }

  /**
   * Decides whether epoch `epoch` of `epochs` gets a line: about five per run, always the first
   * and the last, and any epoch ending 2 s or more after the last line (so slow runs are
   * never silent for long).
   */
  reportsEpoch(epoch: number, epochs: number): boolean {
    const every = Math.max(1, Math.round(epochs / 5));
    return epoch === 1 || epoch === epochs || epoch % every === 0 || this.sinceLastLine() >= 2;
  }
}
