/**
 * The package contract of issue #2: exports map, side-effect freedom, the two runtime
 * dependencies, and the names the root module exports (by name, no default export).
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as root from '../src/index.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as Record<string, unknown> & {
  exports: Record<string, Record<string, string>>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  scripts: Record<string, string>;
  engines: Record<string, string>;
};

describe('package.json', () => {
  it('is an ES module named latent-ts without side effects', () => {
    expect(pkg.name).toBe('latent-ts');
    expect(pkg.type).toBe('module');
    expect(pkg.sideEffects).toBe(false);
  });

  it('has an exports map giving each condition its own types, consistent with main/module/types', () => {
    const dot = pkg.exports['.'] as unknown as Record<string, Record<string, string>>;
    // "types" must come first in each condition for TypeScript's resolution of conditional
    // exports; the CJS condition gets the .d.cts, or TypeScript in a CommonJS project (module
    // node16 without "type": "module") would read the ESM declarations and refuse the import.
    expect(dot.import).toEqual({ types: './dist/index.d.ts', default: './dist/index.js' });
    expect(dot.require).toEqual({ types: './dist/index.d.cts', default: './dist/index.cjs' });
    for (const condition of ['import', 'require']) expect(Object.keys(dot[condition])[0]).toBe('types');
    expect(pkg.main).toBe('./dist/index.cjs');
    expect(pkg.module).toBe('./dist/index.js');
    expect(pkg.types).toBe('./dist/index.d.ts');
  });

  it('ships the licences, names its repository, and keeps source maps out of the package', () => {
    expect(pkg.files).toEqual(['dist', 'README.md', 'LICENSE', 'DATA-LICENSE.md']);
    expect(pkg.license).toBe('MIT');
    expect(readFileSync(`${ROOT}LICENSE`, 'utf8')).toMatch(/^MIT License\n/);
    const data = readFileSync(`${ROOT}DATA-LICENSE.md`, 'utf8');
    for (const credit of ['Yann LeCun', 'Corinna Cortes', 'Burges', 'CC BY-SA 3.0', 'Juan Cazala']) expect(data).toContain(credit);
    expect(pkg.repository).toEqual({ type: 'git', url: 'git+https://github.com/latent-ts/latent-ts.git' });
    expect(pkg.homepage).toMatch(/^https:\/\/github\.com\/latent-ts\/latent-ts/);
    expect((pkg.bugs as { url: string }).url).toBe('https://github.com/latent-ts/latent-ts/issues');
    expect(readFileSync(`${ROOT}tsup.config.ts`, 'utf8')).toMatch(/sourcemap: false/);
  });

  it('has exactly two runtime dependencies: ml-matrix and seedrandom', () => {
    expect(Object.keys(pkg.dependencies).sort()).toEqual(['ml-matrix', 'seedrandom']);
    expect(pkg.peerDependencies ?? {}).toEqual({});
  });

  it('declares the dev tools, node ≥ 20, the scripts, and a committed lock file', () => {
    for (const d of ['typescript', 'tsup', 'vitest', 'fast-check', 'typedoc']) expect(Object.keys(pkg.devDependencies)).toContain(d);
    expect(pkg.engines.node).toMatch(/>=\s*20/);
    expect(pkg.scripts.build).toMatch(/tsup/);
    expect(pkg.scripts.test).toMatch(/tsc --noEmit/);
    expect(pkg.scripts.test).toMatch(/vitest run/);
    expect(pkg.scripts.docs).toMatch(/typedoc/);
    expect(existsSync(`${ROOT}package-lock.json`)).toBe(true);
  });
});

describe('the root module', () => {
  const expected = [
    'Tensor', 'Rng', 'gradcheck', 'gemm',
    'ShapeError', 'NotFittedError', 'NonFiniteError', 'ConvergenceError', 'FormatError',
    'add', 'sub', 'mul', 'div', 'neg', 'exp', 'log', 'sqrt', 'square', 'abs', 'tanh', 'sigmoid', 'relu', 'leakyRelu',
    'softplus', 'logSigmoid', 'matmul', 'sum', 'mean', 'logSumExp', 'reshape', 'transpose', 'broadcastTo', 'slice',
    'concat', 'mse', 'bceWithLogits', 'gaussianNll', 'gaussianKl',
  ];

  it('exports the foundation names, each defined', () => {
    const names = Object.keys(root);
    expect(names).toEqual(expect.arrayContaining(expected));
    for (const n of expected) expect((root as Record<string, unknown>)[n], n).toBeDefined();
    for (const n of names) expect((root as Record<string, unknown>)[n], `export ${n}`).not.toBeUndefined();
  });

  it('has no default export', () => {
    expect('default' in root).toBe(false);
  });

  it('exports working error classes (NonFiniteError is a RangeError)', () => {
    expect(new root.NonFiniteError('x')).toBeInstanceOf(RangeError);
    expect(new root.ShapeError('x')).toBeInstanceOf(Error);
    expect(new root.NotFittedError('PCA').message).toBe('PCA is not fitted yet; call fit(X) first');
    for (const E of [root.ShapeError, root.NonFiniteError, root.ConvergenceError, root.FormatError]) expect(new E('m').name).toBe(E.name);
  });

  it('Tensor methods live on the class itself (no prototype patching from side-effect modules)', () => {
    const methods = [
      'add', 'sub', 'mul', 'div', 'neg', 'exp', 'log', 'sqrt', 'square', 'abs', 'tanh', 'sigmoid', 'relu', 'leakyRelu',
      'softplus', 'logSigmoid', 'matmul', 'sum', 'mean', 'logSumExp', 'reshape', 'transpose', 'broadcastTo', 'slice',
      'backward', 'detach', 'zeroGrad', 'toArray', 'item', 'clone',
    ];
    for (const m of methods) expect(Object.prototype.hasOwnProperty.call(root.Tensor.prototype, m), m).toBe(true);
    for (const s of ['from', 'zeros', 'ones', 'full', 'randn', 'rand']) expect(typeof (root.Tensor as unknown as Record<string, unknown>)[s], s).toBe('function');
  });

  it('works end to end from the root: a tiny regression step', () => {
    const rng = new root.Rng(0);
    const x = root.Tensor.randn([8, 3], rng, { dtype: 'float64' });
    const w = root.Tensor.zeros([3, 1], { dtype: 'float64', requiresGrad: true });
    const y = x.matmul(root.Tensor.from([[1], [-2], [0.5]], { dtype: 'float64' }));
    root.mse(x.matmul(w), y).backward();
    expect(w.grad!.shape).toEqual([3, 1]);
    expect(root.gradcheck((ww) => root.mse(x.matmul(ww), y), [w]).passed).toBe(true);
  });
});
