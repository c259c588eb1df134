/**
 * Loads a Node built-in at run time. The specifier is computed, not a literal, so bundlers
 * building for the browser (esbuild, Vite, webpack, Rollup) leave the import alone instead of
 * failing to resolve it; it only ever runs on the Node-only paths (file save and load).
 */
export function importNode<T>(name: 'fs/promises'): Promise<T> {
  const specifier = `node:${name}`;
  return import(/* @vite-ignore */ /* webpackIgnore: true */ specifier) as Promise<T>;
}
