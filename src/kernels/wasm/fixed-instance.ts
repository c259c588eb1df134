/**
 * Loading of the small single-purpose WebAssembly kernels (column statistics, bias/ReLU
 * backward, BCE, sums of squares, the double Gram): each builds its module bytes, which are
 * validated, compiled and instantiated once per realm on a fixed-size memory of its own. The
 * memory never grows, so typed-array views of it stay valid for the life of the realm.
 *
 * @module
 */

/** An instantiated kernel module and its memory. */
export interface FixedInstance {
  readonly exports: WebAssembly.Exports;
  readonly memory: WebAssembly.Memory;
}

/**
 * The module `build()` returns, instantiated on a memory of exactly `pages` 64 KiB pages, or
 * null where WebAssembly (or the SIMD the bytes use) is unavailable or the memory cannot be had.
 *
 * @example
 * ```ts
 * const k = instantiateFixed(buildColumnStatsModule, PAGES);
 * if (k !== null) (k.exports.moments as Function)(...);
 * ```
 */
export function instantiateFixed(build: () => Uint8Array<ArrayBuffer>, pages: number): FixedInstance | null {
  try {
    const module = compiledModule(build);
    if (module === null) return null;
    const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    const { exports } = new WebAssembly.Instance(module, { env: { memory } });
    return { exports, memory };
  } catch {
    return null;
  }
}

/**
 * Builds a kernel's module bytes; with `shared`, the module imports a shared memory (an arena
 * the thread pool's workers also run on), else an ordinary one.
 */
export type ModuleSource = (shared?: boolean) => Uint8Array<ArrayBuffer>;

// Compiled modules by their builder (ordinary and shared memory), so a kernel can also be
// instantiated on an arena's memory without compiling again.
const compiled = new Map<ModuleSource, WebAssembly.Module | null>();
const compiledShared = new Map<ModuleSource, WebAssembly.Module | null>();

/**
 * The module `build(shared)` returns, validated and compiled once per realm (per `shared`), or
 * null where WebAssembly (or the SIMD the bytes use) is unavailable.
 *
 * @example
 * ```ts
 * const module = compiledModule(buildSumSquaresModule); // the same Module on every call
 * if (module !== null) new WebAssembly.Instance(module, { env: { memory } });
 * ```
 */
export function compiledModule(build: ModuleSource, shared = false): WebAssembly.Module | null {
  const cache = shared ? compiledShared : compiled;
  let module = cache.get(build);
  if (module === undefined) {
    module = null;
    try {
      if (typeof WebAssembly !== 'undefined') {
        const bytes = build(shared);
        if (WebAssembly.validate(bytes)) module = new WebAssembly.Module(bytes);
      }
    } catch {
      module = null;
    }
    cache.set(build, module);
  }
  return module;
}
