/**
 * The layout of the pool's control block: the first bytes of the shared memory, one 256-byte
 * slot per worker (its own cache lines, so a worker polling its slot does not share a line with
 * another's). The main thread posts a task by writing the arguments and then incrementing `SEQ`
 * (Atomics.store + notify); the worker runs it, writes `STATUS` (and a message on failure) and
 * sets `DONE` to the sequence number it finished (store + notify). The worker script
 * (worker-source.ts) repeats these numbers as literals; a test checks they agree.
 *
 * @module
 */

/** Bytes of one worker's slot. */
export const SLOT_BYTES = 256;
/** Int32 index, within a slot, of the task sequence number the main thread increments (−1: exit). */
export const SEQ = 0;
/** Int32 index of the last sequence number the worker finished. */
export const DONE = 1;
/** Int32 index of the status of that task: {@link STATUS_OK}, {@link STATUS_ERROR} or {@link STATUS_DEAD}. */
export const STATUS = 2;
/** Int32 index of the flag the worker sets once it has instantiated its module and waits for tasks. */
export const READY = 3;
/** Int32 index of the task's command ({@link COMMAND_GEMM}, {@link COMMAND_FAIL}). */
export const COMMAND = 4;
/** Int32 index of the first task argument; arguments run to {@link MESSAGE_AT}. */
export const ARGS = 5;
/** Byte offset, within a slot, of the failure message (UTF-8, its length at the first Int32). */
export const MESSAGE_AT = 128;
/** Bytes of a failure message, including its length word. */
export const MESSAGE_BYTES = SLOT_BYTES - MESSAGE_AT;

/** The task finished. */
export const STATUS_OK = 0;
/** The task threw; the message says why. */
export const STATUS_ERROR = 1;
/** The worker's thread ended (its exit handler ran); the message says why. */
export const STATUS_DEAD = 2;

/** Run the panel product of the shared-memory GEMM module. */
export const COMMAND_GEMM = 1;
/** Diagnostics: throw (argument 0 = 1) or end the worker's thread (argument 0 = 2) mid-task. */
export const COMMAND_FAIL = 2;

/** Bytes of the control block for `workers` workers, rounded to 64. */
export function controlBytes(workers: number): number {
  return Math.max(1, workers) * SLOT_BYTES;
}
