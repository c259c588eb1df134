/**
 * The command dispatcher: picks the command, maps errors to exit codes (2 for usage errors
 * with the usage line on stderr, 1 for runtime errors with their message).
 *
 * @module
 */
import { version } from '../../package.json';
import { UsageError } from './args.js';
import { demoCommand } from './commands/demo.js';
import { encodeCommand } from './commands/encode.js';
import { fitCommand } from './commands/fit.js';
import { sampleCommand } from './commands/sample.js';
import { processIo, type CliIo } from './io.js';
import { HELP, USAGE } from './usage.js';

const COMMANDS: Readonly<Record<string, (argv: readonly string[], io: CliIo) => Promise<number>>> = {
  fit: fitCommand,
  encode: encodeCommand,
  sample: sampleCommand,
  demo: demoCommand,
};

/**
 * Runs the command line `argv` (without `node` and the script) and returns the exit code:
 * 0 on success, 1 on a runtime error, 2 on a usage error.
 *
 * @example
 * ```ts
 * process.exitCode = await runCli(['fit', 'pca', '--data', 'x.csv', '--out', 'pca.safetensors']);
 * ```
 */
export async function runCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (command === undefined) throw new UsageError(null, 'missing command');
    if (command === '--help' || command === '-h' || command === '--version' || command === '-v') {
      if (rest.length > 0) throw new UsageError(null, `unexpected argument '${rest[0]}' after ${command}`);
    }
    if (command === '--help' || command === '-h') {
      io.out(HELP.top);
      return 0;
    }
    if (command === 'help') {
      const topic = rest[0];
      if (topic !== undefined && !(topic in COMMANDS)) throw new UsageError(null, `unknown command '${topic}'`);
      if (rest.length > 1) throw new UsageError(null, `unexpected argument '${rest[1]}' after help ${topic}`);
      io.out(HELP[topic ?? 'top']);
      return 0;
    }
    if (command === '--version' || command === '-v') {
      io.out(version);
      return 0;
    }
    const run = COMMANDS[command];
    if (run === undefined) {
      throw new UsageError(null, command.startsWith('-') ? `unknown option '${command}'` : `unknown command '${command}'`);
    }
    return await run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      const where = e.command === null ? 'latent-ts' : `latent-ts ${e.command}`;
      io.err(`${where}: ${e.message}`);
      io.err(USAGE[e.command ?? 'top']);
      return 2;
    }
    io.err(`latent-ts: error: ${describeError(e)}`);
    if (process.env.LATENT_TS_DEBUG && e instanceof Error && e.stack) io.err(e.stack);
    return 1;
  }
}

function describeError(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const sys = e as NodeJS.ErrnoException;
  if (sys.code === 'ENOENT' && sys.path) return `${sys.path}: no such file or directory`;
  if (sys.code === 'EACCES' && sys.path) return `${sys.path}: permission denied`;
  if (sys.code === 'EISDIR' && sys.path) return `${sys.path}: is a directory`;
  return e.message;
}
