/**
 * Checks of the paths a command will write, made before any work: a typo in `--out` should
 * cost a usage error, not a finished training run that cannot be saved.
 *
 * @module
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { UsageError } from './args.js';

/**
 * Throws a {@link UsageError} naming `--<option>` and `path` unless a file can be written
 * there: its directory exists, is a directory and is writable, and `path` is not a directory.
 *
 * @example
 * ```ts
 * await checkOutputFile('models/vae.safetensors', 'fit'); // UsageError when models/ is missing
 * ```
 */
export async function checkOutputFile(path: string, command: string, option = 'out'): Promise<void> {
  const what = `--${option} ${path}`;
  if ((await kindOf(path)) === 'directory') throw new UsageError(command, `${what} is a directory; give a file name`);
  const dir = dirname(path);
  const kind = await kindOf(dir);
  if (kind === 'missing') throw new UsageError(command, `${what}: the directory ${dir} does not exist`);
  if (kind === 'other') throw new UsageError(command, `${what}: ${dir} is not a directory`);
  if (kind === 'directory') await assertWritable(dir, what, command);
}

/**
 * Throws a {@link UsageError} unless `path` is a directory that can be written, or can be made
 * (its nearest existing ancestor is a writable directory).
 *
 * @example
 * ```ts
 * await checkOutputDirectory('demo-output', 'demo');
 * ```
 */
export async function checkOutputDirectory(path: string, command: string, option = 'out'): Promise<void> {
  const what = `--${option} ${path}`;
  let dir = resolve(path);
  for (;;) {
    const kind = await kindOf(dir);
    if (kind === 'directory') break;
    if (kind === 'unknown') return;
    if (kind === 'other') {
      throw new UsageError(command, dir === resolve(path) ? `${what} is a file, not a directory` : `${what}: ${dir} is not a directory`);
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  await assertWritable(dir, what, command);
}

/** What is at `path`; 'unknown' when stat fails otherwise (EACCES on a parent): the write itself then reports the file system's reason. */
async function kindOf(path: string): Promise<'missing' | 'directory' | 'other' | 'unknown'> {
  try {
    return (await stat(path)).isDirectory() ? 'directory' : 'other';
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'missing';
    return code === 'ENOTDIR' ? 'other' : 'unknown';
  }
}

async function assertWritable(dir: string, what: string, command: string): Promise<void> {
  try {
    await access(dir, constants.W_OK);
  } catch {
    throw new UsageError(command, `${what}: the directory ${dir} is not writable`);
  }
}
