// `npm run lint`: type-aware ESLint over every workspace, bench/ and build/. typescript-eslint's
// strict-type-checked preset (types from each package's own tsconfig through the project service),
// import cycles (import-x/no-cycle), and STYLE.md 9: which desktop files may import what.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const nodeBuiltins = builtinModules.filter((name) => !name.startsWith('_'));

// STYLE.md 9: the renderer (and any *.dom.tsx, and the run-anywhere shared/ code) never touches Node
// or Electron, and never imports main-process or preload code.
const rendererRestrictions = {
  paths: [
    ...nodeBuiltins.map((name) => ({ name, message: 'Renderer and run-anywhere code never touch Node; ask the preload bridge.' })),
    { name: 'electron', message: 'Renderer and run-anywhere code never touch Electron; ask the preload bridge.' },
  ],
  patterns: [
    { group: ['node:*'], message: 'Renderer and run-anywhere code never touch Node; ask the preload bridge.' },
    { group: ['*.main', '*.main.ts'], message: '*.main.ts runs in the Electron main process only.' },
    { group: ['*.preload', '*.preload.ts'], message: '*.preload.ts is imported from the preload only.' },
  ],
};

export default defineConfig(
  globalIgnores([
    '**/node_modules/',
    '**/dist/',
    'apps/server/dist-test-*/',
    '**/coverage/',
    'data/',
    'test-results/',
    'bench/results/',
    'bench/baseline/',
  ]),
  js.configs.recommended,
  tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: {
          // vitest.config.ts belongs to no package; it is checked with the strict root settings.
          allowDefaultProject: ['vitest.config.ts'],
          defaultProject: 'tsconfig.base.json',
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { 'import-x': importX },
    settings: {
      // import-x follows only files with these extensions (its default is JavaScript only).
      'import-x/extensions': ['.ts', '.tsx', '.js', '.mjs', '.cjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
      'import-x/external-module-folders': ['node_modules'],
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx', '.js', '.mjs', '.json'], conditionNames: ['import', 'node', 'default'] })],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      // Named explicitly (also in the preset): an unhandled promise is an error nobody sees.
      '@typescript-eslint/no-floating-promises': 'error',
      // Numbers and booleans in messages (`${port}`, `${count} dropped`) are what we mean to print.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      // With noUncheckedIndexedAccess, `m[1]!` after a successful regex match (or an index the loop
      // just checked) is the house idiom; the alternative is a dead branch per access.
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Arrow shorthand (`(r) => resolve(r)`, `onClick={() => setOpen(false)}`) returning void is idiomatic.
      '@typescript-eslint/no-confusing-void-expression': 'off',
      // `rest.post<void>(...)` and `call<void>(...)` type an answer without a body; the rule accepts
      // void in `Promise<void>` but not as a call's type argument, which is the same statement.
      '@typescript-eslint/no-invalid-void-type': 'off',
      // Ports are async so that remote adapters fit (Cassandra, Postgres, IPC); the SQLite and
      // in-memory adapters answer synchronously inside `async` methods, which is the design.
      '@typescript-eslint/require-await': 'off',
      // `const { ids: _ids, ...rest } = x` is how a property is left out of a copy.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true, argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Tests read loosely typed answers on purpose (`await res.json()`, raw gateway frames) and use
    // vitest's asymmetric matchers (`expect.any(String)`), which are typed `any`. Production code
    // keeps all of these rules.
    files: ['**/*.test.ts', '**/*.test.tsx', '**/test/**/*.ts', '**/test/**/*.tsx'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    // The two classic hook rules; the renderer's eslint-disable comments already name exhaustive-deps.
    files: ['apps/desktop/**/*.tsx', 'apps/desktop/src/renderer/**/*.ts'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
  {
    // Plain JavaScript (build scripts, test fixtures, this file) has no types to check.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    // CommonJS files exist only where something must be require()d (the fake electron module).
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // STYLE.md 9: *.preload.ts is the bridge's own code; nothing outside preload/ imports it.
    files: ['apps/desktop/**/*.{ts,tsx}'],
    ignores: ['apps/desktop/src/preload/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['*.preload', '*.preload.ts'], message: '*.preload.ts is imported from the preload only.' }] }],
    },
  },
  {
    // Later blocks win, so this one repeats the preload restriction for the files it covers.
    files: ['apps/desktop/src/renderer/**/*.{ts,tsx}', 'apps/desktop/src/shared/**/*.ts', '**/*.dom.tsx'],
    rules: { 'no-restricted-imports': ['error', rendererRestrictions] },
  },
);
