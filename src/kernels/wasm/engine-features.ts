/**
 * Turns on WebAssembly relaxed SIMD in Node versions that ship it behind a flag.
 *
 * Relaxed SIMD is a finished WebAssembly standard (phase 5) that Chrome 114+ and Node 22+ enable
 * by default. Node 20's V8 has the same implementation but gates it behind
 * `--experimental-wasm-relaxed-simd`. Its `f32x4.relaxed_madd` compiles to a fused multiply-add,
 * which is the difference between about 43 and 53 GFLOP/s for our GEMM on an AVX2/AVX-512 core,
 * so without it the kernel is bounded by issuing a separate multiply and add.
 *
 * The flag only makes extra WebAssembly instructions valid; it changes no existing behaviour.
 * It is process-wide, so users who do not want it set `LATENT_TS_RELAXED_SIMD=0`.
 *
 * @module
 */

/** Environment variable that, set to `0`, stops latent-ts from enabling the engine flag. */
export const RELAXED_SIMD_ENV_VAR = 'LATENT_TS_RELAXED_SIMD';

interface V8Module {
  setFlagsFromString(flags: string): void;
}

interface NodeProcess {
  env?: Record<string, string | undefined>;
  getBuiltinModule?: (id: string) => unknown;
}

/**
 * Asks V8 to accept relaxed-SIMD instructions, where this is Node and the user has not opted out.
 * Returns whether a flag was set (the caller validates again; nothing is assumed).
 */
export function enableRelaxedSimdFlag(): boolean {
  const proc = (globalThis as { process?: NodeProcess }).process;
  if (proc === undefined || typeof proc.getBuiltinModule !== 'function') return false;
  if (proc.env?.[RELAXED_SIMD_ENV_VAR] === '0') return false;
  try {
    const v8 = proc.getBuiltinModule('node:v8') as V8Module | undefined;
    if (v8 === undefined || typeof v8.setFlagsFromString !== 'function') return false;
    v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
    return true;
  } catch {
    return false;
  }
}
