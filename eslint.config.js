import { readFileSync } from 'node:fs';
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

// What only tests may import: every dev dependency (vitest, playwright-core, fast-check…), the
// shared scaffolding in src/test/ and the helpers beside the tests. The build leaves those files
// out (tsconfig.build.json), so production code that imported one would fail at run time.
const TEST_ONLY_IMPORTS = [
  ...Object.keys(pkg.devDependencies).map((name) => ({
    group: [name, `${name}/*`],
    message: 'a dev dependency; only tests may import it',
  })),
  { group: ['**/test/*', '**/*.test-helpers.js'], message: 'test scaffolding; only tests may import it' },
];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'test-artifacts/', '.rapport/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/ban-ts-comment': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.test.ts', 'src/**/*.test-helpers.ts', 'src/test/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: TEST_ONLY_IMPORTS }] },
  },
  // The browser app: the rules of hooks on every component and hook.
  { files: ['web/**/*.{ts,tsx}'], ...reactHooks.configs.flat.recommended },
);
