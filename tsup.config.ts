import { defineConfig } from 'tsup';

// Two builds: the library (ESM + CJS + types, browser-safe) and the Node-only command line.
// They are separate configs because a banner applies to every entry of a config, and only the
// CLI gets the shebang. The library build cleans dist/ except the CLI's files, so the two
// builds, which tsup runs concurrently, do not delete each other's output.
export default defineConfig([
  {
    entry: { index: 'src/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: ['!cli.*'],
    target: 'es2022',
    treeshake: true,
  },
  {
    entry: { cli: 'src/cli/main.ts' },
    format: ['esm'],
    platform: 'node',
    dts: false,
    sourcemap: true,
    clean: false,
    target: 'es2022',
    treeshake: true,
    banner: { js: '#!/usr/bin/env node' },
  },
]);
