/**
 * Where the command line writes: stdout for results and help, stderr for progress and errors.
 * Injected so commands can run in-process in tests.
 *
 * @module
 */

/**
 * Output channels of a command; each call writes one line (a newline is added).
 *
 * @example
 * ```ts
 * const lines: string[] = [];
 * const io: CliIo = { out: (s) => lines.push(s), err: (s) => lines.push(s) };
 * ```
 */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

/**
 * The process's stdout and stderr.
 *
 * @example
 * ```ts
 * await runCli(process.argv.slice(2), processIo);
 * ```
 */
export const processIo: CliIo = {
  out: (text) => void process.stdout.write(text + '\n'),
  err: (text) => void process.stderr.write(text + '\n'),
};

/**
 * A seed from the command line: an integer when it looks like one, else the string itself
 * (both are valid Rng seeds).
 *
 * @example
 * ```ts
 * parseSeed('42'); // 42
 * parseSeed('run-a'); // 'run-a'
 * ```
 */
export function parseSeed(text: string | undefined, fallback: number): number | string {
  if (text === undefined) return fallback;
  return /^-?\d{1,15}$/.test(text) ? Number(text) : text;
}
