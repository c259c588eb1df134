/**
 * The GEMM backend setting: `'wasm'` (WebAssembly SIMD, float32 only) or `'js'` (TypeScript,
 * float32 and float64). This choice is the library's one piece of module-level configuration.
 * It affects speed, never the API; float64 products always run in TypeScript.
 *
 * @module
 */
import { describeValue } from '../errors.js';
import { wasmGemm } from './wasm/runtime.js';

/**
 * Names accepted by {@link setBackend}.
 *
 * @example
 * ```ts
 * const previous: BackendName = getBackend();
 * setBackend('js');
 * ```
 */
export type BackendName = 'js' | 'wasm';

/** Environment variable read once, on first use, when {@link setBackend} has not been called. */
export const BACKEND_ENV_VAR = 'LATENT_TS_BACKEND';

let selected: BackendName | undefined;

/**
 * Whether the WebAssembly SIMD kernel can run here (it is built, validated and compiled on the
 * first call; later calls are free).
 *
 * @example
 * ```ts
 * if (!isWasmAvailable()) console.warn('latent-ts: no WebAssembly SIMD, using the TypeScript kernels');
 * ```
 */
export function isWasmAvailable(): boolean {
  return wasmGemm() !== null;
}

/**
 * Selects the float32 matrix-product backend for every later call in this JavaScript realm
 * (each worker has its own). The default is the fastest available, `'wasm'` where WebAssembly
 * SIMD is supported, else `'js'`; the `LATENT_TS_BACKEND` environment variable, read once,
 * overrides the default. Throws a `TypeError` for an unknown name and an `Error` for `'wasm'`
 * where SIMD is missing.
 *
 * The `'wasm'` kernel uses fused multiply-add (WebAssembly relaxed SIMD) where the engine has
 * it. Node 20 ships relaxed SIMD behind a V8 flag, which latent-ts sets when it first loads the
 * kernel; set the environment variable `LATENT_TS_RELAXED_SIMD=0` to keep plain SIMD instead.
 *
 * @example
 * ```ts
 * import { setBackend, getBackend } from 'latent-ts';
 * setBackend('js');   // pure TypeScript kernels, e.g. to compare speed
 * getBackend();       // 'js'
 * ```
 */
export function setBackend(name: BackendName): void {
  selected = checkName(name, 'setBackend: name');
}

/**
 * The backend in use: the last {@link setBackend} choice, else `LATENT_TS_BACKEND`, else the
 * fastest available.
 *
 * @example
 * ```ts
 * console.log(`latent-ts matrix products run on ${getBackend()}`);
 * ```
 */
export function getBackend(): BackendName {
  if (selected === undefined) selected = initialBackend();
  return selected;
}

function initialBackend(): BackendName {
  const env = typeof process !== 'undefined' ? process.env?.[BACKEND_ENV_VAR] : undefined;
  if (env !== undefined && env !== '') return checkName(env, `environment variable ${BACKEND_ENV_VAR}`);
  return isWasmAvailable() ? 'wasm' : 'js';
}

function checkName(name: unknown, what: string): BackendName {
  if (name !== 'js' && name !== 'wasm') {
    throw new TypeError(`${what} must be 'js' or 'wasm' (got ${describeValue(name)})`);
  }
  if (name === 'wasm' && !isWasmAvailable()) {
    throw new Error(
      `${what} is 'wasm', but this JavaScript engine has no WebAssembly SIMD support; use 'js' (the TypeScript kernels)`,
    );
  }
  return name;
}
