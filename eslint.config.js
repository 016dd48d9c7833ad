// `npm run lint`: typescript-eslint with type information (promises above all) and the import
// boundaries between services/ folders (eslint/import-boundaries.js). Formatting is prettier's job
// (`npm run format`), so eslint-config-prettier switches off every rule that could disagree with it.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import prettier from 'eslint-config-prettier/flat';
import importX from 'eslint-plugin-import-x';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';
import { restrictedZones } from './eslint/import-boundaries.js';

const root = dirname(fileURLToPath(import.meta.url));

export default defineConfig([
  globalIgnores(['**/node_modules/', 'dist/', 'reports/', 'tmp/', '.stack*/', '.cache/', '.scratch/', '**/*.d.ts']),
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: root },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // A promise nobody awaits loses its error: await it, or `void` it with a comment saying why.
      '@typescript-eslint/no-floating-promises': 'error',
      // An `async` function without `await` still turns a throw into a rejection, which the
      // Promise-returning interfaces here (publishers, sinks, fastify handlers) rely on.
      '@typescript-eslint/require-await': 'off',
      // kafkajs declares the closures of its batch payload (heartbeat, resolveOffset, ...) as methods;
      // destructuring them is its documented use, and the only place this rule fired.
      '@typescript-eslint/unbound-method': 'off',
      // A leading underscore marks a parameter an interface or a callback signature requires.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },
  {
    // Tests read JSON bodies and rows as `any` or `unknown` on purpose: the assertion on the value
    // is the check, and a failure message may print whatever came back.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/restrict-template-expressions': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    files: ['**/*.{js,mjs}'],
    extends: [js.configs.recommended],
  },
  {
    files: ['services/**/*.ts'],
    plugins: { 'import-x': importX },
    rules: {
      'import-x/no-restricted-paths': ['error', { basePath: root, zones: restrictedZones(root) }],
    },
  },
  prettier,
]);
