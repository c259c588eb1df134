/** What one progress update reports. */
export interface ProgressInfo {
  epoch: number;
  epochs: number;
  batch: number;
  /** Batches per epoch; 0 when not known yet (a stream's first pass). */
  batches: number;
  loss: number;
  samplesPerSecond: number;
}

type Writer = (text: string) => void;

function stderrWriter(): Writer | null {
  const proc = (globalThis as { process?: { stderr?: { write?: (s: string) => unknown; isTTY?: boolean } } }).process;
  const write = proc?.stderr?.write;
  return typeof write === 'function' ? (s) => void write.call(proc!.stderr, s) : null;
}

/**
 * A one-line progress display for long `fit` runs. In Node it rewrites a line on stderr (at
 * most every 250 ms, with `\r` on a terminal) and ends each epoch with a newline; where there is
 * no `process.stderr` (browsers) it logs one line per epoch with `console.info`.
 *
 * @example
 * ```ts
 * const p = new ProgressLine('VAE.fit');
 * p.update({ epoch: 1, epochs: 10, batch: 50, batches: 469, loss: 190.2, samplesPerSecond: 12000 });
 * p.endEpoch('epoch 1/10  loss 190.2');
 * ```
 */
export class ProgressLine {
  private readonly write: Writer | null;
  private readonly tty: boolean;
  private last = 0;

  constructor(private readonly label: string) {
    this.write = stderrWriter();
    const proc = (globalThis as { process?: { stderr?: { isTTY?: boolean } } }).process;
    this.tty = proc?.stderr?.isTTY === true;
  }

  /** Redraws the line when 250 ms have passed since the last redraw (TTY only). */
  update(p: ProgressInfo): void {
    if (this.write === null || !this.tty) return;
    const now = performance.now();
    if (now - this.last < 250) return;
    this.last = now;
    const width = 20;
    // A stream of unknown length (batches 0) shows the batch count without a bar.
    const filled = Math.min(width, Math.round((width * p.batch) / Math.max(p.batches, 1)));
    const bar = p.batches > 0 ? `[${'='.repeat(filled) + ' '.repeat(width - filled)}] ${p.batch}/${p.batches}` : `batch ${p.batch}`;
    this.write(`\r${this.label} epoch ${p.epoch}/${p.epochs} ${bar}  loss ${p.loss.toFixed(4)}  ${Math.round(p.samplesPerSecond)} samples/s`);
  }

  /** Prints the summary of a finished epoch on its own line. */
  endEpoch(summary: string): void {
    if (this.write === null) {
      console.info(`${this.label} ${summary}`);
      return;
    }
    this.write(`${this.tty ? '\r\x1b[K' : ''}${this.label} ${summary}\n`);
  }
}

/**
 * What one finished-epoch line shows. `epochs` is the last epoch of the run (epochs count over
 * all `fit` calls); `elapsed` and `eta` are seconds since the run started and estimated to its
 * end (null before there is an estimate).
 *
 * @example
 * ```ts
 * const info: EpochLineInfo = { epoch: 2, epochs: 10, loss: 104.2, unit: 'nats/sample', seconds: 1.1, samplesPerSecond: 54000, elapsed: 2.3, eta: 9.2 };
 * ```
 */
export interface EpochLineInfo {
  epoch: number;
  epochs: number;
  loss: number;
  /** The unit of `loss`, e.g. `'nats/sample'`; omitted from the line when absent. */
  unit?: string;
  /** Extra text after the loss, e.g. its parts. */
  detail?: string;
  valLoss?: number;
  seconds: number;
  samplesPerSecond: number;
  elapsed: number;
  eta: number | null;
}

/**
 * The one line that reports a finished epoch, for `fit`'s `verbose` output and for the
 * command line alike: epoch, loss with its unit, validation loss, epoch time, throughput,
 * elapsed time and ETA.
 *
 * @example
 * ```ts
 * formatEpochLine({ epoch: 2, epochs: 10, loss: 104.2, unit: 'nats/sample', seconds: 1.1, samplesPerSecond: 54000, elapsed: 2.3, eta: 9.2 });
 * // 'epoch 2/10  loss 104.2000 nats/sample  1.1 s  54000 samples/s  elapsed 2.3 s  ETA 9.2 s'
 * ```
 */
export function formatEpochLine(e: EpochLineInfo): string {
  const unit = e.unit ? ` ${e.unit}` : '';
  const parts = [`epoch ${e.epoch}/${e.epochs}`, `loss ${e.loss.toFixed(4)}${unit}${e.detail ? ` ${e.detail}` : ''}`];
  if (e.valLoss !== undefined) parts.push(`val ${e.valLoss.toFixed(4)}`);
  parts.push(`${e.seconds.toFixed(1)} s`, `${Math.round(e.samplesPerSecond)} samples/s`, `elapsed ${formatDuration(e.elapsed)}`);
  parts.push(`ETA ${e.eta === null ? '?' : formatDuration(e.eta)}`);
  return parts.join('  ');
}

/**
 * A duration for a progress line: `8.4 s`, `2 min 05 s`, `1 h 02 min`.
 *
 * @example
 * ```ts
 * formatDuration(125); // '2 min 05 s'
 * ```
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  if (seconds < 59.95) return `${seconds.toFixed(1)} s`;
  const s = Math.round(seconds);
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  const m = Math.round(s / 60);
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/**
 * Elapsed time and an ETA for a run of `epochs` epochs: the mean time of the finished ones
 * times the number left (an upper estimate when early stopping ends the run sooner).
 *
 * @example
 * ```ts
 * const clock = new EpochClock(10);
 * // after each epoch:
 * const { elapsed, eta } = clock.lap();
 * ```
 */
export class EpochClock {
  private readonly t0 = performance.now();
  private done = 0;

  constructor(private readonly epochs: number) {}

  /** Counts one more finished epoch and returns the seconds since the start and the estimate of those left. */
  lap(): { elapsed: number; eta: number | null } {
    this.done += 1;
    const elapsed = (performance.now() - this.t0) / 1000;
    const left = Math.max(0, this.epochs - this.done);
    return { elapsed, eta: left === 0 ? 0 : (elapsed / this.done) * left };
  }
}
