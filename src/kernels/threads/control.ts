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
/** Int32 index of the first task argument; arguments run to {@link TAKEN}. */
export const ARGS = 5;
/**
 * Int32 index of the last sequence number taken up: by the worker, which moves it from seq − 1
 * to seq by a compare-exchange when it wakes for task seq, before running it; or by the main
 * thread, which withdraws a task the worker has not taken up the same way (and then sets
 * `DONE` itself). A shared job (pool.ts, `ThreadPool.share`) withdraws an earlier job's task
 * from a worker that has not woken for it, and waits the few instructions a worker that has
 * taken it up needs to set `DONE`, so the worker takes part in the new job either way.
 */
export const TAKEN = 31;
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
/**
 * Claim and compute panels of one product until none is left (see {@link JOB_CLAIM}); the
 * arguments are {@link PANEL_TAG} and {@link PANEL_COUNT}, then the product's.
 */
export const COMMAND_PANELS = 3;

/**
 * Claim and run chunks of an elementwise kernel until none is left: after the tag and count, the
 * arguments are the kernel's index in the worker's table, the number of pointers (at most 4), the
 * chunk's bytes, the total bytes, the pointers, the number of float32 scalars (at most
 * {@link MAX_RANGE_SCALARS}) and the scalars. Chunk c is `kernel(ptr + c·chunk…, bytes, …scalars)`.
 */
export const COMMAND_RANGES = 4;
/**
 * Claim and compute chunks of a float32 Gram XᵀX until none is left (kernels/threads/gram-parallel.ts):
 * after the tag and count, the arguments are d, the chunk's rows and KC (and those of the last
 * chunk), MC, the byte offsets of the first chunk's X and C and the strides between chunks, and
 * this worker's edge tile, packed A and packed B, and the index in the kernel table of the Gram
 * module's packA (packB and macro follow). Chunk c's upper triangle is written to its own C.
 * Then the number of chunk panels (panels from there on add the previous batch's chunk sums into
 * the double result, each over a block of rows), the byte offset of the centre (0: the rows are
 * centred already) and the index of the centring kernel, the byte offset of the row blocks
 * (pairs i0, i1), of the previous batch's first C, its number of chunks, and of the result.
 */
export const COMMAND_GRAM = 5;
/**
 * Claim and compute panels of one float64 product until none is left
 * (kernels/threads/gemm-parallel-f64.ts): after the tag and count, the arguments of
 * {@link COMMAND_PANELS} with the byte offset of alpha and beta (two doubles in the pool's memory)
 * in place of the float32 alpha and beta, and the index in the kernel table of the float64
 * module's packA (packB and macro follow) last.
 */
export const COMMAND_PANELS_F64 = 8;

/**
 * Claim and compute panels of one float32 product whose panels differ in size (guided:
 * large ones first, small ones last, so the thread that finishes last waits little) until none
 * is left: the arguments of {@link COMMAND_PANELS}, with the worker's place for the packed
 * shared operand (0: none; `PackedOperand` in kernels/wasm/gemm-wasm.ts) and its padding in
 * place of the last-panel blocks (its span unused), and in the job slot, from {@link JOB_PANELS}, two words per panel: where it starts along the
 * split dimension, and its varying block (NC when split along n, else MC). A panel ends where
 * the next starts, the last at the product's extent.
 */
export const COMMAND_PANELS_LISTED = 9;
/** Int32 index, within the job slot, of the panel table of {@link COMMAND_PANELS_LISTED}. */
export const JOB_PANELS = 2;
/** The most panels {@link COMMAND_PANELS_LISTED} takes (the job slot's words after the table's start). */
export const MAX_LISTED_PANELS = (SLOT_BYTES / 4 - JOB_PANELS) >> 1;

/**
 * Claim and run calls of a kernel whose arguments differ from call to call beyond a common
 * stride (per-chunk accumulators, column blocks, one array per call): after the tag and count,
 * the arguments are the kernel's index in the worker's table, the number of arguments per call
 * (at most {@link MAX_CALL_ARGS}), the byte address in the shared memory of the table of
 * arguments (call c's are the Int32 words from c·args on) and a mask of the arguments that are
 * float32 (bit i: argument i is read as a float32). Call c is `kernel(...table row c)`.
 */
export const COMMAND_CALLS = 6;

/**
 * Claim and answer chunks of the queries of a Hamming k-nearest search (kernels/threads/hamming-parallel.ts):
 * after the tag and count, the arguments are the number of codes, words per code, bits, results
 * per query, queries, queries per chunk, the byte addresses of the codes, the queries, the result
 * indices and distances, this worker's scratch, and whether query q leaves code q out.
 */
export const COMMAND_HAMMING = 7;

/**
 * Claim chunks of rows of a transform Z = ((X ⊘ s) − 1mᵀ)·op(B) until none is left
 * (kernels/threads/centred-product-f64.ts): after the tag and count, the arguments are the
 * slab's rows, d, k, the rows per chunk, the byte address of the raw rows and their element
 * bytes (4: float32, 8: float64), the byte addresses of m, of s (0: none), of B with its lane
 * and k strides in bytes, of Z's slab and of the chunks' non-finite words, then this worker's
 * centred chunk, edge tile, packed A and packed B, KC, MC, NC, the last chunk's MC, and the
 * index in the kernel table of the float64 module's packA (packB and macro follow).
 */
export const COMMAND_CENTRED_F64 = 10;

/** The most arguments one call of {@link COMMAND_CALLS} takes (the float mask's bits). */
export const MAX_CALL_ARGS = 16;

/** The most float32 scalars a ranges task carries. */
export const MAX_RANGE_SCALARS = 12;

/**
 * The job slot follows the workers' slots; it holds the panels of the product being shared.
 * Int32 index, within it, of the claim word: the job's tag in bits 11–29 and the next unclaimed
 * panel in bits 0–10. A thread claims panel p by a compare-exchange from tag·2¹¹ + p to
 * tag·2¹¹ + p + 1, so a worker still holding an earlier job's arguments can never claim a
 * panel of a later one.
 */
export const JOB_CLAIM = 0;
/** Int32 index, within the job slot, of the number of panels finished (notified at each). */
export const JOB_FINISHED = 1;
/** Bits of the claim word that hold the panel index; at most 2¹¹ − 1 panels per job. */
export const PANEL_BITS = 11;
/** The claim word's panel-index bits. */
export const PANEL_COUNT_MASK = (1 << PANEL_BITS) - 1;
/** Job tags are taken modulo 2¹⁹, so the claim word stays a positive Int32. */
export const TAG_MODULUS = 1 << 19;
/** Argument index (from {@link ARGS}) of the job's tag, and of its panel count. */
export const PANEL_TAG = 0;
export const PANEL_COUNT = 1;

/** Bytes of the control block for `workers` workers: one slot each and the job slot. */
export function controlBytes(workers: number): number {
  return (Math.max(1, workers) + 1) * SLOT_BYTES;
}

/** Index of the job slot for `workers` workers (its byte offset is this times {@link SLOT_BYTES}). */
export function jobSlot(workers: number): number {
  return Math.max(1, workers);
}
