/**
 * File-system errors restated for the user: Node's messages name the system call and, for an
 * atomic save, the hidden temporary file ("ENOENT: no such file or directory, open
 * '/x/.m.safetensors.123.tmp'"). These name the caller, the user's path and what is wrong.
 *
 * @module
 */

/** A Node system error: `code` like 'ENOENT', and the path of the failed call. */
type SystemError = Error & { code?: unknown; path?: unknown; syscall?: unknown };

/** True for errors thrown by the file system (they carry a string `code`); injected or logic errors are not. */
function isSystemError(e: unknown): e is SystemError & { code: string } {
  return e instanceof Error && typeof (e as SystemError).code === 'string';
}

/** The directory part of `path` ('.' when there is none), with string operations only (no node:path, so browsers can bundle this). */
export function parentDirectory(path: string): string {
  const slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  if (slash < 0) return '.';
  return slash === 0 ? path.slice(0, 1) : path.slice(0, slash);
}

/** An Error with `message`, keeping the original's `code` (so callers can still branch on it), the user's `path` and the original as `cause`. */
function restated(e: SystemError & { code: string }, message: string, path: string): Error {
  const out = new Error(message, { cause: e }) as SystemError;
  out.code = e.code;
  out.path = path;
  if (e.syscall !== undefined) out.syscall = e.syscall;
  return out;
}

/**
 * The error to throw when writing `path` failed with `e`: for a file-system error, an Error
 * naming `where` and `path` (never the temporary file) and the reason, with `code` kept;
 * anything else unchanged.
 *
 * @example
 * ```ts
 * fileWriteError('VAE.save', '/x/m.safetensors', enoent).message;
 * // 'VAE.save: cannot write /x/m.safetensors: the directory /x does not exist (ENOENT)'
 * ```
 */
export function fileWriteError(where: string, path: string, e: unknown): unknown {
  if (!isSystemError(e)) return e;
  const dir = parentDirectory(path);
  const reasons: Record<string, string> = {
    ENOENT: `the directory ${dir} does not exist`,
    ENOTDIR: `a component of ${dir} is not a directory`,
    EISDIR: `${path} is a directory`,
    EACCES: `permission denied`,
    EPERM: `operation not permitted`,
    EROFS: `the file system is read-only`,
    ENOSPC: `no space left on the device`,
    EDQUOT: `disk quota exceeded`,
  };
  const reason = reasons[e.code] ?? e.message.replace(/^[A-Z]+: /, '').replace(/, \w+ '.*'$/, '');
  return restated(e, `${where}: cannot write ${path}: ${reason} (${e.code})`, path);
}

/**
 * The error to throw when reading `path` failed with `e`: "does not exist", "is a directory,
 * not a file", … naming `where` and `path`, with `code` kept; anything else unchanged.
 *
 * @example
 * ```ts
 * fileReadError('VAE.load', '/x/y.safetensors', enoent).message; // 'VAE.load: /x/y.safetensors does not exist'
 * ```
 */
export function fileReadError(where: string, path: string, e: unknown): unknown {
  if (!isSystemError(e)) return e;
  const reasons: Record<string, string> = {
    ENOENT: 'does not exist',
    ENOTDIR: `cannot be read: a component of ${parentDirectory(path)} is not a directory`,
    EISDIR: 'is a directory, not a file',
    EACCES: 'cannot be read: permission denied',
    EPERM: 'cannot be read: operation not permitted',
  };
  const reason = reasons[e.code] ?? `cannot be read: ${e.message.replace(/^[A-Z]+: /, '')}`;
  return restated(e, `${where}: ${path} ${reason}`, path);
}
