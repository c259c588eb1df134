/**
 * Builds the latent explorer into ./dist: the page, its two bundles (page and worker, with
 * latent-ts bundled in for the browser) and the bundled digit subset.
 * Run with `npm run explorer:build`; `npm run explorer` also serves it.
 */
import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'tsup';
import { loadDigits } from '../../src/data/digits.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const libraryEntry = join(repo, 'dist', 'index.js');
export const distDir = join(here, 'dist');
/** Digits shipped with the page: enough for a readable latent plane, small enough to load fast. */
const SUBSET = 2000;

async function writeSubset(): Promise<void> {
  const { train } = await loadDigits({ seed: 0 });
  const n = Math.min(SUBSET, train.shape[0]);
  const bytes = new Uint8Array(n * 785);
  for (let i = 0; i < n * 784; i++) bytes[i] = Math.round(train.data[i] * 255);
  bytes.set(train.labels.subarray(0, n), n * 784);
  await writeFile(join(distDir, 'digits-subset.bin'), bytes);
}

async function newestSource(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? await newestSource(path) : (await stat(path)).mtimeMs);
  }
  return newest;
}

/** The page uses the published ESM build, so (re)build the library when it is missing or stale. */
async function ensureLibraryBuild(): Promise<void> {
  const built = await stat(libraryEntry).then((s) => s.mtimeMs, () => 0);
  if (built > (await newestSource(join(repo, 'src')))) return;
  const r = spawnSync(process.execPath, [join(repo, 'node_modules', 'tsup', 'dist', 'cli-default.js')], { cwd: repo, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`building latent-ts failed:\n${r.stdout}${r.stderr}`);
}

/** Builds everything into `dist/`. */
export async function buildExplorer(): Promise<string> {
  await mkdir(distDir, { recursive: true });
  await ensureLibraryBuild();
  await build({
    entry: { main: join(here, 'src/main.ts'), worker: join(here, 'src/worker.ts') },
    outDir: distDir,
    format: ['esm'],
    platform: 'browser',
    target: 'es2022',
    bundle: true,
    splitting: false,
    noExternal: [/.*/],
    // Resolve the package name to its ESM build, exactly what an application bundler does.
    esbuildOptions(options) {
      options.alias = { 'latent-ts': libraryEntry };
    },
    clean: false,
    dts: false,
    silent: true,
    outExtension: () => ({ js: '.js' }),
  });
  await copyFile(join(here, 'index.html'), join(distDir, 'index.html'));
  await writeSubset();
  return distDir;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  buildExplorer().then(
    (dir) => console.log(`built ${dir}`),
    (e: unknown) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
