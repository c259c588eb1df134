/** Runs the command line in-process and collects what it prints, for the CLI tests. */
import type { CliIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/run.js';

/** The exit code and the printed standard output and error of one `latent-ts` call. */
export async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (s) => out.push(s), err: (s) => err.push(s) };
  const code = await runCli(argv, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}
