/**
 * safetensors files on disk (Node): atomic save, validated load.
 *
 * @module
 */
import { readFileBytes, writeFileAtomic, type AtomicFs } from './node-file.js';
import {
  decodeSafetensors, encodeSafetensors, type EncodeSafetensorsOptions, type SafetensorsContent, type SafetensorsTensor,
} from './safetensors.js';

/**
 * Options for {@link saveSafetensors}.
 *
 * @example
 * ```ts
 * await saveSafetensors('m.safetensors', tensors, metadata, { checksum: true });
 * ```
 */
export interface SaveSafetensorsOptions extends EncodeSafetensorsOptions {
  /** File-system implementation for the atomic write (tests inject failures). */
  fs?: AtomicFs;
}

/**
 * Encodes tensors and metadata (see {@link encodeSafetensors}) and writes them atomically:
 * on any failure the previous file at `path` is left byte-identical.
 *
 * @example
 * ```ts
 * await saveSafetensors('pca.safetensors', { components: { dtype: 'F64', shape: [2, 784], data } }, { model: 'PCA' });
 * ```
 */
export async function saveSafetensors(
  path: string,
  tensors: Record<string, SafetensorsTensor>,
  metadata: Record<string, string> = {},
  options: SaveSafetensorsOptions = {},
): Promise<void> {
  const bytes = encodeSafetensors(tensors, metadata, options.checksum === undefined ? {} : { checksum: options.checksum });
  await writeFileAtomic(path, bytes, options.fs ? { fs: options.fs, where: 'saveSafetensors' } : { where: 'saveSafetensors' });
}

/**
 * Reads and validates a safetensors file (see {@link decodeSafetensors}); errors name `path`.
 *
 * @example
 * ```ts
 * const { tensors, metadata } = await loadSafetensors('pca.safetensors');
 * ```
 */
export async function loadSafetensors(path: string): Promise<SafetensorsContent> {
  return decodeSafetensors(await readFileBytes(path, 'loadSafetensors'), path);
}
