import { defineConfig, type Options } from 'tsup';

// The embedded digits (src/data/digits-data.ts, 2 MB of base64) are emitted once, as
// dist/digits-data.js, and both builds load them with import('./digits-data.js'): the ESM build
// from dist/index.js or its chunks, the CJS build from dist/index.cjs (Node's CJS supports
// import() of an ES module). Without this, the CJS build would inline a second copy.
const digitsDataExternal: NonNullable<Options['esbuildPlugins']>[number] = {
  name: 'digits-data-external',
  setup(build) {
    build.onResolve({ filter: /^\.\/digits-data\.js$/ }, (args) =>
      args.importer.endsWith('digits.ts') ? { path: './digits-data.js', external: true } : undefined,
    );
  },
};

const common = {
  target: 'es2022',
  treeshake: true,
  // No source maps in the package: they were 3.7 MB, three times the code they describe.
  sourcemap: false,
  esbuildPlugins: [digitsDataExternal],
} satisfies Options;

// Two configs, run concurrently by tsup. The ESM one builds the library and the Node-only
// command line together with code splitting, so dist/cli.js imports the library's chunks
// instead of bundling a second copy; the CJS one builds the library alone. Each cleans dist/
// except the other's files. Only cli.js gets the `#!/usr/bin/env node` shebang (a banner would
// go on every entry, so a plugin adds it to that one file).
export default defineConfig([
  {
    ...common,
    // The demo's background thread loads deep-autoencoder-worker.js from beside the demo's code
    // (src/demo/background-fit.ts), so it is an entry of its own.
    entry: { index: 'src/index.ts', cli: 'src/cli/main.ts', 'digits-data': 'src/data/digits-data.ts', 'deep-autoencoder-worker': 'src/demo/deep-autoencoder-worker.ts' },
    format: ['esm'],
    splitting: true,
    dts: { entry: { index: 'src/index.ts' } },
    clean: ['!index.cjs', '!index.d.cts'],
    plugins: [
      {
        name: 'cli-shebang',
        renderChunk(code, chunk) {
          if (!chunk.path.endsWith('cli.js')) return undefined;
          return { code: `#!/usr/bin/env node\n${code}` };
        },
      },
    ],
  },
  {
    ...common,
    entry: { index: 'src/index.ts' },
    format: ['cjs'],
    dts: { entry: { index: 'src/index.ts' } },
    clean: false,
  },
]);
