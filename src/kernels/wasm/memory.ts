/**
 * WebAssembly memory sizing shared by every kernel module, the training arena and the thread
 * pool: the page size, and growing a memory to hold a number of bytes.
 *
 * @module
 */

/** Bytes in one WebAssembly page. */
export const PAGE_BYTES = 65536;

/**
 * Grows `memory` so that it holds at least `bytes`; false when the engine refuses (beyond the
 * memory's declared maximum, or out of address space), so the caller can fall back.
 */
export function growMemory(memory: WebAssembly.Memory, bytes: number): boolean {
  const have = memory.buffer.byteLength;
  if (bytes <= have) return true;
  try {
    memory.grow(Math.ceil((bytes - have) / PAGE_BYTES));
    return true;
  } catch {
    return false;
  }
}
