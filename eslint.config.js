import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

export default ts.config(
  {
    ignores: [
      'build/',
      '.svelte-kit/',
      'node_modules/',
      'dist/',
      'bench/out/',
      'test-results/',
      'playwright-report/',
      'tests/fixtures/models/',
    ],
  },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: {
      globals: { ...globals.browser, ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname, extraFileExtensions: ['.svelte'] },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: ts.parser, svelteConfig } },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...ts.configs.disableTypeChecked,
  },
  {
    // The engine, database, domain and model layers run in workers and in Node: no DOM.
    files: ['src/lib/ecs/**', 'src/lib/db/**', 'src/lib/dam/**', 'src/lib/ml/**'],
    languageOptions: { globals: { ...globals.worker, ...globals.node } },
    rules: {
      'no-restricted-globals': ['error', 'window', 'document', 'localStorage', 'sessionStorage'],
      'no-restricted-imports': ['error', { patterns: ['svelte', 'svelte/*', '$app/*', '**/ui/**', '**/routes/**'] }],
    },
  },
  {
    // The dam CLI runs in Node only, on the app's core: no DOM, nothing of the UI.
    files: ['src/cli/**', 'bin/**'],
    languageOptions: { globals: { ...globals.node } },
    rules: {
      'no-restricted-globals': ['error', 'window', 'document', 'localStorage', 'sessionStorage'],
      'no-restricted-imports': ['error', { patterns: ['svelte', 'svelte/*', '$app/*', '**/ui/**', '**/routes/**'] }],
    },
  },
);
