import { describe, expect, it } from 'vitest';
import {
  UsageError, choiceOption, intListOption, intOption, numberOption, parseCommand, stringOption,
} from '../../src/cli/args.js';

const spec = { out: { type: 'string' as const }, n: { type: 'string' as const, short: 'n' }, quick: { type: 'boolean' as const } };

function usage(f: () => unknown): UsageError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return e as UsageError;
  }
  throw new Error('expected a UsageError');
}

describe('parseCommand', () => {
  it('parses options, short options, booleans, positionals and --help', () => {
    const { values, positionals } = parseCommand('x', ['pca', '--out', 'a.bin', '-n', '3', '--quick'], spec);
    expect(positionals).toEqual(['pca']);
    expect(values).toMatchObject({ out: 'a.bin', n: '3', quick: true });
    expect(parseCommand('x', ['-h'], spec).values.help).toBe(true);
    expect(parseCommand('x', ['--out=b'], spec).values.out).toBe('b');
  });

  it('turns unknown, valueless and repeated options into usage errors naming the command', () => {
    const e = usage(() => parseCommand('fit', ['--nope'], spec));
    expect(e.command).toBe('fit');
    expect(e.message).toMatch(/unknown option '--nope'/);
    expect(usage(() => parseCommand('fit', ['--out'], spec)).message).toMatch(/--out/);
    expect(usage(() => parseCommand('fit', ['--out', 'a', '--out', 'b'], spec)).message).toMatch(/more than once/);
    expect(usage(() => parseCommand('fit', ['--quick=yes'], spec)).message).toMatch(/quick/);
  });
});

describe('typed option helpers', () => {
  const v = (o: Record<string, string | boolean | undefined>) => o;

  it('read strings, integers, numbers, lists and choices with defaults', () => {
    expect(stringOption(v({}), 'out', 'c')).toBeUndefined();
    expect(intOption(v({ n: '12' }), 'n', 'c', 1, { min: 1 })).toBe(12);
    expect(intOption(v({}), 'n', 'c', 5)).toBe(5);
    expect(numberOption(v({ lr: '1e-3' }), 'lr', 'c', undefined, { greaterThan: 0 })).toBe(1e-3);
    expect(intListOption(v({ hidden: '512, 256' }), 'hidden', 'c', [1])).toEqual([512, 256]);
    expect(choiceOption(v({ l: 'gaussian' }), 'l', 'c', ['bernoulli', 'gaussian'], undefined)).toBe('gaussian');
  });

  it('reject malformed values with a message naming the option', () => {
    expect(usage(() => stringOption(v({}), 'out', 'c', { required: true })).message).toBe('missing required option --out');
    for (const bad of ['x', '1.5', '', '0', '1e3']) {
      expect(usage(() => intOption(v({ n: bad }), 'n', 'c', 1, { min: 1 })).message).toMatch(/--n/);
    }
    expect(usage(() => intOption(v({ n: '20000' }), 'n', 'c', 1, { min: 1, max: 10000 })).message).toMatch(/in \[1, 10000\]/);
    expect(usage(() => numberOption(v({ lr: '-1' }), 'lr', 'c', 1, { greaterThan: 0 })).message).toMatch(/> 0/);
    expect(usage(() => numberOption(v({ lr: 'NaN' }), 'lr', 'c', 1)).message).toMatch(/finite/);
    expect(usage(() => intListOption(v({ hidden: '512,,2' }), 'hidden', 'c', [1])).message).toMatch(/comma-separated/);
    expect(usage(() => choiceOption(v({ l: 'poisson' }), 'l', 'c', ['bernoulli'], undefined)).message).toMatch(/one of bernoulli/);
  });
});

describe('parseCommand messages', () => {
  it('are one line and say how to pass a value starting with a dash', () => {
    expect(usage(() => parseCommand('c', ['--out'], spec)).message).toBe('option --out needs a value');
    expect(usage(() => parseCommand('c', ['--out', '-x'], spec)).message).toBe("option --out needs a value (write --out=VALUE for a value starting with '-')");
    expect(usage(() => parseCommand('c', ['-n', '-3'], spec)).message).toBe("option -n needs a value (write -nVALUE for a value starting with '-')");
    expect(parseCommand('c', ['-n-3'], spec).values.n).toBe('-3');
  });
});
