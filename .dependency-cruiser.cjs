/**
 * Layer rules of latent-ts, checked by `npm run depcruise` (and so by .ci/run).
 * ARCHITECTURE.md describes the layers; this file enforces them. Type-only imports count: a
 * type import upward is still a dependency upward.
 *
 * Known violations today are allowed by the named entries of KNOWN below, each with the work
 * that removes it. When that work lands, delete the entry: the rules then hold without it.
 */

/** The layers, lowest first. A module may import its own layer and layers listed before it. */
const LAYERS = [
  ['errors', '^src/errors\\.ts$'],
  ['validate', '^src/validate\\.ts$'],
  // io knows bytes, records of typed arrays and files, not Tensor: nn, optim, train and the
  // models import its ModelState/TensorRecord types and its byte formats.
  ['io', '^src/io/'],
  ['random', '^src/random/'],
  // Kernels are pure functions on typed arrays: no Tensor, no graph.
  ['kernels', '^src/kernels/'],
  ['tensor', '^src/tensor/'],
  // Siblings on one rung may not import each other: linalg (float64, closed form) and autodiff
  // (the graph) are independent; so are nn and optim; the three applications at the top.
  [
    ['autodiff', '^src/autodiff/'],
    ['linalg', '^src/linalg/'],
    // Sparse matrices (CSR) over the sparse kernels; the models take them as input.
    ['sparse', '^src/sparse/'],
  ],
  [
    ['nn', '^src/nn/'],
    ['optim', '^src/optim/'],
  ],
  ['train', '^src/train/'],
  ['models', '^src/models/'],
  [
    ['data', '^src/data/'],
    ['hashing', '^src/hashing/'],
    ['viz', '^src/viz/'],
    // Text to sparse vectors (counts, TF-IDF), for the models' sparse input.
    ['text', '^src/text/'],
  ],
  // The package root re-exports the library; the demo and the CLI are applications on top of it.
  ['index', '^src/index\\.ts$'],
  // Pieces the demo and the CLI share (matrices, the k-NN score).
  ['app', '^src/app/'],
  ['demo', '^src/demo/'],
  ['cli', '^src/cli/'],
];

/** The models, by family. A file named after a model (`pca.ts`, `pca-data.ts`, `pca/...`)
 * belongs to that model; any other file of the family folder is shared by its models. */
const MODELS = ['pca', 'ppca', 'autoencoder', 'vae', 'categorical-vae', 'nmf', 'logistic-regression', 'truncated-svd', 'incremental-pca', 'classifier', 'factor-analysis', 'fast-ica', 'vq-vae'];

/**
 * Violations that exist today, each allowed by name until the named work removes it.
 * `from`/`to` are path expressions; the exception covers exactly those imports. Use only
 * non-capturing groups `(?:...)`: a rule's own `from` captures ($1, $2) must stay first.
 * `DEPCRUISE_NO_KNOWN=1 npm run depcruise` lists what these entries still hide.
 */
const KNOWN = process.env.DEPCRUISE_NO_KNOWN ? {} : {
  // The engine's one documented circle (see the module comment of src/autodiff/functional.ts):
  // Tensor's methods call functional.ts, which builds Tensors; tensor.ts also runs backward()
  // from graph.ts, which names Tensor as a type only. Op definitions (autodiff/op.ts, ops/)
  // import no Tensor. Nothing else may join the circle.
  tensorImportsAutodiff: { rule: 'no-upward-import', from: '^src/tensor/tensor\\.ts$', to: '^src/autodiff/(?:op|graph|functional)\\.ts$' },
  tensorAutodiffCircle: { rule: 'no-circular', from: '^src/(?:tensor/tensor|autodiff/(?:graph|functional))\\.ts$' },
};

/** The `from` expressions of the KNOWN exceptions to `rule`. */
function except(rule) {
  return Object.values(KNOWN)
    .filter((k) => k.rule === rule)
    .map((k) => k.from);
}

/**
 * One rule `name` forbidding `from` -> `to`, minus the KNOWN exceptions of that name. An
 * exception is a (from, to) pair, which one dependency-cruiser rule cannot subtract, so the rule
 * is split: modules outside every exception's `from`, and each exception's `from` with its `to`
 * taken out.
 */
function forbid(name, comment, from, to) {
  const known = Object.values(KNOWN).filter((k) => k.rule === name);
  const fromNot = [...(from.pathNot ?? []), ...known.map((k) => k.from)];
  const rules = [{ name, severity: 'error', comment, from: { ...from, pathNot: fromNot }, to }];
  for (const k of known) {
    const toNot = [...(to.pathNot ?? []), k.to];
    // The lookahead keeps `from.path` and its capture groups, narrowed to the exception's modules.
    const path = `(?=${k.from})${from.path}`;
    rules.push({ name, severity: 'error', comment, from: { ...from, path }, to: { ...to, pathNot: toNot } });
  }
  return rules;
}

/** For every layer, the rule against importing any later layer or a sibling on its rung. */
function layerRules() {
  const rungs = LAYERS.map((rung) => (typeof rung[0] === 'string' ? [rung] : rung));
  const rules = [];
  rungs.forEach((rung, i) => {
    const above = rungs.slice(i + 1).flat().map(([, path]) => path);
    for (const [name, path] of rung) {
      const siblings = rung.filter(([other]) => other !== name).map(([, p]) => p);
      const targets = [...above, ...siblings];
      if (targets.length === 0) continue;
      rules.push(
        ...forbid(
          'no-upward-import',
          `${name} may import only the layers below it (.dependency-cruiser.cjs LAYERS, ARCHITECTURE.md)`,
          { path },
          { path: targets },
        ),
      );
    }
  });
  return rules;
}

const models = MODELS.join('|');

module.exports = {
  forbidden: [
    ...layerRules(),
    {
      // A circle through any module outside the KNOWN ones is reported from that module.
      name: 'no-circular',
      severity: 'error',
      comment: 'No import circle: module load order must not matter (ARCHITECTURE.md, "Layers")',
      from: { path: '^src/', pathNot: except('no-circular') },
      to: { circular: true },
    },
    {
      name: 'ml-matrix-only-in-linalg',
      severity: 'error',
      comment: 'src/linalg/ is the one place that wraps ml-matrix, so a swap or upgrade touches one folder',
      from: { path: '^src/', pathNot: '^src/linalg/' },
      to: { path: '(^|/)node_modules/ml-matrix/' },
    },
    {
      name: 'nothing-imports-demo-or-cli',
      severity: 'error',
      comment: 'demo/ and cli/ are applications on top of the library; the library never imports them',
      from: { path: '^src/', pathNot: '^src/(demo|cli)/' },
      to: { path: '^src/(demo|cli)/' },
    },
    {
      name: 'demo-does-not-import-cli',
      severity: 'error',
      comment: 'The CLI runs the demo, not the other way round',
      from: { path: '^src/demo/' },
      to: { path: '^src/cli/' },
    },
    ...forbid(
      'cli-enters-demo-by-run-demo-only',
      'The CLI starts the demo through demo/run-demo.ts; pieces both need belong in the library',
      { path: '^src/cli/' },
      { path: '^src/demo/', pathNot: ['^src/demo/run-demo\\.ts$'] },
    ),
    {
      name: 'no-cross-family-import',
      severity: 'error',
      comment: 'A model family uses another only through the shared files of src/models/ (e.g. model.ts)',
      from: { path: '^src/models/([^/]+)/' },
      to: { path: '^src/models/[^/]+/', pathNot: '^src/models/$1/' },
    },
    ...forbid(
      'no-cross-model-import',
      "A model's files use another model of the family only through the family's shared files",
      // $1 is the family, $2 the model.
      { path: `^src/models/([^/]+)/(${models})(?:[-.]|/)` },
      { path: `^src/models/$1/(?:${models})(?:[-.]|/)`, pathNot: ['^src/models/$1/$2(?:[-.]|/)'] },
    ),
    {
      name: 'src-not-to-tests',
      severity: 'error',
      comment: 'The library does not depend on its tests, benchmarks or examples',
      from: { path: '^src/' },
      to: { path: '^(test|bench|examples)/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that does not resolve is a typo or a missing dependency',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
