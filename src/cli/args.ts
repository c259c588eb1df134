/**
 * Argument parsing for the command line: node:util's `parseArgs` in strict mode, with every
 * problem turned into a {@link UsageError} (exit code 2) and typed value helpers.
 *
 * @module
 */
import { parseArgs } from 'node:util';

/**
 * A bad command line: unknown command or option, missing or malformed value. The CLI prints the
 * message and the command's usage line on stderr and exits with code 2.
 *
 * @example
 * ```ts
 * throw new UsageError('fit', "--latent must be a positive integer (got 'x')");
 * ```
 */
export class UsageError extends Error {
  /** @param command the command whose usage line is printed, or null for the top level. */
  constructor(readonly command: string | null, message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * The options a command accepts, in node:util `parseArgs` form.
 *
 * @example
 * ```ts
 * const spec: OptionSpec = { out: { type: 'string' }, quick: { type: 'boolean' } };
 * ```
 */
export type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string }>;

/**
 * Parsed options and positionals of one command.
 *
 * @example
 * ```ts
 * const { values, positionals } = parseCommand('fit', ['pca', '--out', 'm.safetensors'], spec);
 * ```
 */
export interface ParsedCommand {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/**
 * Parses `argv` (without the command name) against `spec`. Unknown options, options missing a
 * value and repeated options are usage errors naming `command`.
 *
 * @example
 * ```ts
 * parseCommand('sample', ['-n', '16'], { n: { type: 'string', short: 'n' } }).values.n; // '16'
 * ```
 */
export function parseCommand(command: string, argv: readonly string[], spec: OptionSpec): ParsedCommand {
  const options = { ...spec, help: { type: 'boolean' as const, short: 'h' } };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true, tokens: true });
  } catch (e) {
    throw new UsageError(command, cleanMessage((e as Error).message));
  }
  const seen = new Set<string>();
  for (const token of parsed.tokens ?? []) {
    if (token.kind !== 'option') continue;
    if (seen.has(token.name)) throw new UsageError(command, `option --${token.name} is given more than once`);
    seen.add(token.name);
  }
  return { values: parsed.values as ParsedCommand['values'], positionals: parsed.positionals };
}

/**
 * node:util's messages, shortened to one line: its advice on values starting with '-' is
 * rewritten, the rest of the text after the first sentence is dropped.
 */
function cleanMessage(message: string): string {
  const ambiguous = /^Option '([^']+)' argument is ambiguous/.exec(message);
  if (ambiguous) {
    const name = ambiguous[1];
    const form = name.startsWith('--') ? `${name}=VALUE` : `${name}VALUE`;
    return `option ${name} needs a value (write ${form} for a value starting with '-')`;
  }
  const missing = /^Option '(?:-\w, )?(--?[\w-]+)(?: <value>)?' argument missing/.exec(message);
  if (missing) return `option ${missing[1]} needs a value`;
  const first = message.split('\n')[0].split('. To specify')[0];
  return first.replace(/^Unknown option '/, "unknown option '").replace(/^Option '/, "option '");
}

/**
 * A string option's value, or undefined when absent.
 *
 * @example
 * ```ts
 * stringOption(values, 'out', 'fit', { required: true });
 * ```
 */
export function stringOption(
  values: ParsedCommand['values'],
  name: string,
  command: string,
  opts: { required?: boolean } = {},
): string | undefined {
  const v = values[name];
  if (v === undefined || v === false) {
    if (opts.required) throw new UsageError(command, `missing required option --${name}`);
    return undefined;
  }
  if (typeof v !== 'string' || v === '') throw new UsageError(command, `--${name} needs a value`);
  return v;
}

/**
 * An integer option in `[min, max]`, or `fallback` when absent.
 *
 * @example
 * ```ts
 * intOption(values, 'epochs', 'fit', 10, { min: 0 });
 * ```
 */
export function intOption(
  values: ParsedCommand['values'],
  name: string,
  command: string,
  fallback: number | undefined,
  range: { min?: number; max?: number } = {},
): number | undefined {
  const text = stringOption(values, name, command);
  if (text === undefined) return fallback;
  const min = range.min ?? -Infinity;
  const max = range.max ?? Infinity;
  const v = /^[+-]?\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isSafeInteger(v) || v < min || v > max) {
    throw new UsageError(command, `--${name} must be an integer${describeRange(min, max)} (got ${JSON.stringify(text)})`);
  }
  return v;
}

/**
 * A finite number option greater than `min` (exclusive), or `fallback` when absent.
 *
 * @example
 * ```ts
 * numberOption(values, 'learning-rate', 'fit', undefined, { greaterThan: 0 });
 * ```
 */
export function numberOption(
  values: ParsedCommand['values'],
  name: string,
  command: string,
  fallback: number | undefined,
  range: { greaterThan?: number } = {},
): number | undefined {
  const text = stringOption(values, name, command);
  if (text === undefined) return fallback;
  const v = text.trim() === '' ? NaN : Number(text);
  const low = range.greaterThan ?? -Infinity;
  if (!Number.isFinite(v) || v <= low) {
    const what = Number.isFinite(low) ? `a number > ${low}` : 'a finite number';
    throw new UsageError(command, `--${name} must be ${what} (got ${JSON.stringify(text)})`);
  }
  return v;
}

/**
 * A comma-separated list of positive integers (e.g. `--hidden 512,256`), or `fallback`.
 *
 * @example
 * ```ts
 * intListOption(values, 'hidden', 'fit', [256]); // [512, 256] for '--hidden 512,256'
 * ```
 */
export function intListOption(
  values: ParsedCommand['values'],
  name: string,
  command: string,
  fallback: number[],
): number[] {
  const text = stringOption(values, name, command);
  if (text === undefined) return fallback;
  const parts = text.split(',').map((s) => s.trim());
  const list = parts.map((s) => (/^\d+$/.test(s) ? Number(s) : NaN));
  if (list.some((v) => !Number.isSafeInteger(v) || v < 1)) {
    throw new UsageError(command, `--${name} must be a comma-separated list of positive integers (got ${JSON.stringify(text)})`);
  }
  return list;
}

/**
 * A choice among `allowed`, or `fallback` when absent.
 *
 * @example
 * ```ts
 * choiceOption(values, 'likelihood', 'fit', ['bernoulli', 'gaussian'], undefined);
 * ```
 */
export function choiceOption<T extends string>(
  values: ParsedCommand['values'],
  name: string,
  command: string,
  allowed: readonly T[],
  fallback: T | undefined,
): T | undefined {
  const text = stringOption(values, name, command);
  if (text === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(text)) {
    throw new UsageError(command, `--${name} must be one of ${allowed.join(', ')} (got ${JSON.stringify(text)})`);
  }
  return text as T;
}

function describeRange(min: number, max: number): string {
  if (Number.isFinite(min) && Number.isFinite(max)) return ` in [${min}, ${max}]`;
  if (Number.isFinite(min)) return ` >= ${min}`;
  if (Number.isFinite(max)) return ` <= ${max}`;
  return '';
}
