import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

const PURE_LIBS = ['libs/calendar/**/*.ts', 'libs/policy/**/*.ts', 'libs/domain/**/*.ts'];
const IO_PACKAGES = [
  '@nestjs/*',
  '@eventstore/*',
  '@kurrent/*',
  'bullmq',
  'ioredis',
  'better-sqlite3',
  'node:*',
  'fs',
  'path',
  'http',
  'https',
  'net',
  'child_process',
];
const WALL_CLOCK = [
  {
    selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
    message: 'Read time from the injected Clock.',
  },
  { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'Read time from the injected Clock.' },
  {
    selector: "CallExpression[callee.object.name='DateTime'][callee.property.name='now']",
    message: 'Read time from the injected Clock.',
  },
];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      'data/**',
      'test/artifacts/**',
      '**/*.js',
      '**/*.mjs',
      '**/*.cjs',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: { parserOptions: { emitDecoratorMetadata: true, experimentalDecorators: true } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/libs/*', '../../libs/**'], message: 'Import libraries through their @app/<lib> alias.' },
          ],
        },
      ],
    },
  },
  {
    files: ['apps/**/*.ts', 'libs/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/*.int-spec.ts', 'libs/clock/**'],
    rules: { 'no-restricted-syntax': ['error', ...WALL_CLOCK] },
  },
  {
    files: ['apps/**/*.ts', 'libs/**/*.ts'],
    ignores: ['libs/config/**'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Configuration is read only in libs/config.' },
      ],
    },
  },
  {
    files: PURE_LIBS,
    rules: {
      'no-console': 'error',
      'no-restricted-globals': ['error', { name: 'process', message: 'Pure libraries do no I/O.' }],
      'no-restricted-syntax': [
        'error',
        ...WALL_CLOCK,
        {
          selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']",
          message: 'Pure code takes randomness and ids from the command.',
        },
      ],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: IO_PACKAGES, message: 'Pure libraries import no framework, driver or I/O module.' },
            { group: ['**/libs/*', '../../libs/**'], message: 'Import libraries through their @app/<lib> alias.' },
          ],
        },
      ],
    },
  },
);
