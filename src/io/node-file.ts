/**
 * File reads and atomic writes for Node. `node:fs/promises` is loaded with a dynamic import
 * inside each call, so importing latent-ts in a browser never touches it.
 *
 * @module
 */
import { fileReadError, fileWriteError } from './file-errors.js';
import { importNode } from './node-import.js';

/**
 * The subset of a `node:fs/promises` file handle that {@link writeFileAtomic} uses.
 *
 * @example
 * ```ts
 * const handle: AtomicFileHandle = await (await import('node:fs/promises')).open('x.tmp', 'wx');
 * ```
 */
export interface AtomicFileHandle {
  writeFile(data: Uint8Array): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The subset of `node:fs/promises` that {@link writeFileAtomic} uses. Tests pass a wrapper that
 * fails at a chosen step to check that the old file survives.
 *
 * @example
 * ```ts
 * const fs: AtomicFs = await import('node:fs/promises') as unknown as AtomicFs;
 * await writeFileAtomic('m.safetensors', bytes, { fs });
 * ```
 */
export interface AtomicFs {
  open(path: string, flags: string, mode?: number): Promise<AtomicFileHandle>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
}

/**
 * Options for {@link writeFileAtomic}.
 *
 * @example
 * ```ts
 * await writeFileAtomic('m.safetensors', bytes, { mode: 0o600 });
 * ```
 */
export interface WriteFileAtomicOptions {
  /** File-system implementation (default: `node:fs/promises`). */
  fs?: AtomicFs;
  /** Permission bits of a newly created file (default 0o666, reduced by the umask). */
  mode?: number;
  /** Names the caller in file-system errors, e.g. `'VAE.save'` (default `'writeFileAtomic'`). */
  where?: string;
}

let tempCounter = 0;

/**
 * Writes `bytes` to `path` atomically: into a temporary file in the same directory, flushed with
 * fsync, then renamed over `path`. Readers see either the old file or the complete new one. On
 * any failure the temporary file is removed, `path` is left byte-identical, and the error is
 * rethrown; a file-system error is restated naming `path` (not the temporary file) and the
 * reason, keeping its `code`.
 *
 * @example
 * ```ts
 * await writeFileAtomic('model.safetensors', encodeSafetensors(tensors, metadata));
 * ```
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array, options: WriteFileAtomicOptions = {}): Promise<void> {
  if (typeof path !== 'string' || path === '') {
    throw new TypeError(`writeFileAtomic: path must be a non-empty string (got ${typeof path === 'string' ? "''" : typeof path})`);
  }
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`writeFileAtomic: bytes must be a Uint8Array (got ${typeof bytes})`);
  const fs = options.fs ?? ((await importNode<unknown>('fs/promises')) as AtomicFs);
  const temp = tempPath(path);
  let handle: AtomicFileHandle | undefined;
  try {
    // 'wx' fails if the name exists, so a stale temp file is never reused.
    handle = await fs.open(temp, 'wx', options.mode ?? 0o666);
    await handle.writeFile(bytes);
    await handle.sync();
    const h = handle;
    handle = undefined;
    await h.close();
    await fs.rename(temp, path);
  } catch (error) {
    if (handle) await handle.close().catch(() => undefined);
    await fs.unlink(temp).catch(() => undefined);
    throw fileWriteError(options.where ?? 'writeFileAtomic', path, error);
  }
  await syncDirectory(path, options.fs);
}

/**
 * Reads a whole file into a `Uint8Array` (a plain one, not a Node `Buffer`). A missing file, a
 * directory or an unreadable file throws an Error naming `where` and `path`
 * ("readFileBytes: m.safetensors does not exist"), with Node's `code` kept.
 *
 * @example
 * ```ts
 * const bytes = await readFileBytes('model.safetensors');
 * ```
 */
export async function readFileBytes(path: string, where = 'readFileBytes'): Promise<Uint8Array> {
  if (typeof path !== 'string' || path === '') {
    throw new TypeError(`readFileBytes: path must be a non-empty string (got ${typeof path === 'string' ? "''" : typeof path})`);
  }
  const { readFile } = await importNode<typeof import('node:fs/promises')>('fs/promises');
  let buffer: Uint8Array;
  try {
    buffer = await readFile(path);
  } catch (e) {
    throw fileReadError(where, path, e);
  }
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** A temporary name beside `path`: `dir/.name.<pid>.<time>.<n>.tmp`. */
function tempPath(path: string): string {
  const slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  const dir = path.slice(0, slash + 1);
  const base = path.slice(slash + 1);
  const pid = typeof process !== 'undefined' ? process.pid : 0;
  tempCounter += 1;
  return `${dir}.${base}.${pid}.${Date.now().toString(36)}.${tempCounter}.tmp`;
}

/**
 * Flushes the directory entry of the rename, so the new name survives a power cut. Best effort:
 * some platforms cannot open a directory, and the data itself is already synced.
 */
async function syncDirectory(path: string, injected: AtomicFs | undefined): Promise<void> {
  if (injected) return;
  const slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  const dir = slash < 0 ? '.' : path.slice(0, slash + 1) || '/';
  try {
    const { open } = await importNode<typeof import('node:fs/promises')>('fs/promises');
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Not supported here (Windows, some network file systems): nothing more to do.
  }
}
