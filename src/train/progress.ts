/** What one progress update reports. */
export interface ProgressInfo {
  epoch: number;
  epochs: number;
  batch: number;
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
    const filled = Math.round((width * p.batch) / Math.max(p.batches, 1));
    const bar = '='.repeat(filled) + ' '.repeat(width - filled);
    this.write(`\r${this.label} epoch ${p.epoch}/${p.epochs} [${bar}] ${p.batch}/${p.batches}  loss ${p.loss.toFixed(4)}  ${Math.round(p.samplesPerSecond)} samples/s`);
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
