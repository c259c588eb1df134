/**
 * Loads the generated GEMM module once, synchronously (the module is a few kilobytes, so
 * `new WebAssembly.Module` is fine on the main thread and in workers), and owns its linear
 * memory. Memory grows on demand to the largest product seen and is reused as scratch by every
 * later call; results are always copied out, so caller arrays never alias it.
 *
 * @module
 */
import { GRAM_MICRO, PLAIN_SIMD_MICRO, WASM_MICRO, buildGemmModule, type GemmExports } from './gemm-kernel.js';
import type { MicroShape } from './micro.js';
import { enableRelaxedSimdFlag } from './engine-features.js';
import { growMemory } from './memory.js';


/** Which instruction set the loaded kernel uses. */
export type WasmVariant = 'simd' | 'relaxed-simd';

/** A loaded kernel with its memory. */
export interface WasmGemm {
  readonly variant: WasmVariant;
  /** The register block the module was built for. */
  readonly shape: MicroShape;
  readonly exports: GemmExports;
  /** A Float32Array over the whole memory; call again after {@link WasmGemm.reserve}. */
  heap(): Float32Array;
  /** Grows the memory to at least `bytes`; false when the engine refuses (the caller falls back). */
  reserve(bytes: number): boolean;
}

class LoadedGemm implements WasmGemm {
  private view: Float32Array;

  constructor(
    readonly variant: WasmVariant, readonly shape: MicroShape, readonly exports: GemmExports,
    private readonly memory: WebAssembly.Memory,
  ) {
    this.view = new Float32Array(memory.buffer);
  }

  heap(): Float32Array {
    if (this.view.buffer !== this.memory.buffer) this.view = new Float32Array(this.memory.buffer);
    return this.view;
  }

  reserve(bytes: number): boolean {
    return growMemory(this.memory, bytes);
  }
}

// The loaded module is cached because compiling per call would cost more than most products.
// `undefined` means not tried yet; `null` means unavailable here (no WebAssembly or no SIMD).
let loaded: WasmGemm | null | undefined;

/**
 * The loaded kernel, or null where WebAssembly SIMD is unavailable. Loads on first call and
 * prefers the relaxed-SIMD variant (fused multiply-add where the engine ships it, including
 * Node 20 where {@link enableRelaxedSimdFlag} turns it on), else plain SIMD (multiply then add).
 */
export function wasmGemm(): WasmGemm | null {
  if (loaded === undefined) {
    loaded = loadWasmGemm('relaxed-simd');
    if (loaded === null && enableRelaxedSimdFlag()) loaded = loadWasmGemm('relaxed-simd');
    loaded ??= loadWasmGemm('simd');
  }
  return loaded;
}

let gramLoaded: WasmGemm | null | undefined;

/**
 * The kernel with the Gram's register block ({@link GRAM_MICRO}), in the variant
 * {@link wasmGemm} chose, or null where WebAssembly SIMD is unavailable. Loaded once.
 */
export function wasmGramGemm(): WasmGemm | null {
  if (gramLoaded === undefined) {
    const w = wasmGemm();
    gramLoaded = w === null ? null : loadWasmGemm(w.variant, GRAM_MICRO);
  }
  return gramLoaded;
}

/**
 * A fresh, uncached instance of one variant (by default with that variant's register block), or
 * null if this engine rejects it.
 */
export function loadWasmGemm(variant: WasmVariant, shape: MicroShape = variant === 'simd' ? PLAIN_SIMD_MICRO : WASM_MICRO): WasmGemm | null {
  try {
    const module = compileGemm(variant, shape);
    if (module === null) return null;
    const memory = new WebAssembly.Memory({ initial: 16 });
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    return new LoadedGemm(variant, shape, instance.exports as unknown as GemmExports, memory);
  } catch {
    return null;
  }
}

/**
 * The default kernel's module instantiated on another memory (a fixed-size arena whose arrays
 * are the operands themselves), or null where the kernel is unavailable. Compiled once per realm.
 */
export function gemmOnMemory(memory: WebAssembly.Memory): { exports: GemmExports; shape: MicroShape } | null {
  const w = wasmGemm();
  if (w === null) return null;
  const module = compileGemm(w.variant, w.shape);
  if (module === null) return null;
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  return { exports: instance.exports as unknown as GemmExports, shape: w.shape };
}

/**
 * The default kernel's module compiled for a shared memory (the thread pool's), or null where
 * the kernel is unavailable. Compiled once per realm; the same `Module` is sent to the workers.
 */
export function sharedGemmModule(): { module: WebAssembly.Module; shape: MicroShape } | null {
  const w = wasmGemm();
  if (w === null) return null;
  const module = compileGemm(w.variant, w.shape, true);
  return module === null ? null : { module, shape: w.shape };
}

/**
 * The Gram's kernel ({@link wasmGramGemm}'s variant and register block) compiled for a shared
 * memory, for the PCA Gram on a thread pool (kernels/threads/gram-parallel.ts), or null where the
 * kernel is unavailable. Compiled once per realm.
 */
export function sharedGramModule(): { module: WebAssembly.Module; shape: MicroShape } | null {
  const w = wasmGramGemm();
  if (w === null) return null;
  const module = compileGemm(w.variant, w.shape, true);
  return module === null ? null : { module, shape: w.shape };
}

// Compiled modules by variant and register block. Only successes are kept: a relaxed-SIMD
// module that fails validation may validate once enableRelaxedSimdFlag() has run.
const compiled = new Map<string, WebAssembly.Module>();

function compileGemm(variant: WasmVariant, shape: MicroShape, shared = false): WebAssembly.Module | null {
  const key = `${variant}:${shape.mr}:${shape.nr}:${shape.unroll}:${shape.shuffle === true}:${shared}`;
  let module = compiled.get(key);
  if (module === undefined) {
    if (typeof WebAssembly === 'undefined' || typeof WebAssembly.validate !== 'function') return null;
    const bytes = buildGemmModule({ ...shape, fma: variant === 'relaxed-simd' }, shared);
    if (!WebAssembly.validate(bytes)) return null;
    module = new WebAssembly.Module(bytes);
    compiled.set(key, module);
  }
  return module;
}
