// Lint rules of latent-ts, run by `npm run lint` (and so by .ci/run): ESLint's and
// typescript-eslint's recommended rules with type information, fitted to this codebase below.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'docs/api/',
      'demo-output/',
      'bench/results/',
      'bench/.run.mjs',
      'bench/.scratch/',
      'test/docs/.snippets/',
      'examples/latent-explorer/dist/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      eqeqeq: ['error', 'always'],
      // The code already writes `import type` for type-only imports (so importing a type never
      // loads a module); `typeof import('node:fs')` stays allowed for the computed Node imports.
      '@typescript-eslint/consistent-type-imports': ['error', { disallowTypeAnnotations: false }],
      '@typescript-eslint/no-import-type-side-effects': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      // As TypeScript's noUnusedParameters: a leading underscore marks a deliberately unused name.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      // Arrays in messages and test names print as `1,2,3`, which is what they are there for.
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowAny: true, allowArray: true, allowBoolean: true, allowNullish: true, allowNumber: true, allowRegExp: true },
      ],

      // Off, and why:
      // - no-unsafe-*: no `any` is written by hand (no-explicit-any is on); what these report here
      //   are TypeScript's own: Array.isArray on a readonly array, Object.create(null), new Map(),
      //   JSON.parse in tests. Inputs are `unknown` and checked at the boundary (validate.ts).
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // - unbound-method: its hits are WebAssembly exports and module namespaces destructured,
      //   plain functions without `this`.
      '@typescript-eslint/unbound-method': 'off',
      // - no-base-to-string: argument errors print the caller's value with String(value) on
      //   purpose, whatever its type.
      '@typescript-eslint/no-base-to-string': 'off',
      // - require-await: async methods that fulfil a Promise-returning interface need no await.
      '@typescript-eslint/require-await': 'off',
      // - no-unnecessary-type-assertion: 40 places today, across files other refactors are
      //   editing; turn it on with `eslint --fix` (the fix only deletes the assertion).
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
    },
  },
  {
    // Plain JavaScript config files: no type information, CommonJS or ESM under Node.
    files: ['**/*.{js,cjs,mjs}'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { module: 'writable', require: 'readonly', process: 'readonly' } },
  },
  {
    // The package check's scripts run in a fresh project, under Node or in the browser page it
    // bundles: CommonJS `require` is what the smoke script tests.
    files: ['scripts/package-check/**/*.{js,cjs,mjs}'],
    languageOptions: { globals: { console: 'readonly', crypto: 'readonly', __dirname: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
