/**
 * `latent-ts demo [--out DIR] [--quick] [--seed S] [--epochs N]`.
 *
 * @module
 */
import { runDemo } from '../../demo/run-demo.js';
import { UsageError, intOption, parseCommand, stringOption, type OptionSpec } from '../args.js';
import type { CliIo } from '../io.js';
import { checkOutputDirectory } from '../out-path.js';
import { HELP } from '../usage.js';

const SPEC: OptionSpec = {
  out: { type: 'string' },
  quick: { type: 'boolean' },
  seed: { type: 'string' },
  epochs: { type: 'string' },
};

/**
 * Runs `demo`; returns the exit code. Progress goes to stderr, the metrics table to stdout.
 *
 * @example
 * ```ts
 * await demoCommand(['--quick', '--out', '/tmp/demo'], processIo); // 0
 * ```
 */
export async function demoCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const cmd = 'demo';
  const { values, positionals } = parseCommand(cmd, argv, SPEC);
  if (values.help) {
    io.out(HELP.demo);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(cmd, `unexpected argument '${positionals[0]}'`);
  const outDir = stringOption(values, 'out', cmd) ?? 'demo-output';
  const seed = intOption(values, 'seed', cmd, 0);
  const epochs = intOption(values, 'epochs', cmd, undefined, { min: 1 });
  await checkOutputDirectory(outDir, cmd);
  await runDemo({
    outDir,
    quick: values.quick === true,
    seed,
    epochs,
    progress: (line) => io.err(line),
    report: (text) => io.out(text),
  });
  return 0;
}
