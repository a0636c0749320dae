import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

const PURE_LIBS = ['kernel', 'calendar', 'policy', 'domain'];
/** Adapters that live with a pure library's model: the policy book reads files and the store. */
const ADAPTERS_OF_PURE_LIBS = ['libs/policy/src/book/**'];

/**
 * The libraries each library may import, lowest layer first: a cycle, or an import against this direction, fails lint.
 * Applications (`apps/*`) compose them and may import any.
 */
const LAYERS = {
  clock: [],
  kernel: ['clock'],
  calendar: ['clock'],
  'event-store': ['clock', 'kernel'],
  policy: ['calendar', 'clock', 'event-store'],
  config: ['policy'],
  domain: ['calendar', 'clock', 'kernel', 'policy'],
  projections: ['calendar', 'clock', 'config', 'domain', 'event-store', 'kernel', 'policy'],
  scheduling: ['clock', 'domain'],
  alerts: ['clock', 'policy', 'scheduling'],
  reactors: ['alerts', 'clock', 'domain', 'event-store', 'kernel', 'policy', 'projections', 'scheduling'],
};
const RELATIVE_LIB_IMPORT = {
  group: ['**/libs/*', '../../libs/**'],
  message: 'Import libraries through their @app/<lib> alias.',
};
const SUB_BARREL_IMPORT = {
  regex: '^@app/[^/]+/(?!test-support/|conformance/)',
  message:
    'Import a library through its one barrel, @app/<lib>; only test support and conformance suites sit beside it.',
};
const forbiddenLibsOf = (lib) =>
  Object.keys(LAYERS)
    .filter((other) => other !== lib && !LAYERS[lib].includes(other))
    .map((other) => ({
      group: [`@app/${other}`, `@app/${other}/*`],
      message: `libs/${lib} may import only ${LAYERS[lib].map((name) => `@app/${name}`).join(', ') || 'no library'} (layers in eslint.config.mjs).`,
    }));
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
          patterns: [RELATIVE_LIB_IMPORT, SUB_BARREL_IMPORT],
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
  ...Object.keys(LAYERS).map((lib) => {
    const isPure = PURE_LIBS.includes(lib);
    const io = isPure
      ? [{ group: IO_PACKAGES, message: 'Pure libraries import no framework, driver or I/O module.' }]
      : [];
    return {
      files: [`libs/${lib}/**/*.ts`],
      rules: {
        'no-restricted-imports': [
          'error',
          { patterns: [RELATIVE_LIB_IMPORT, SUB_BARREL_IMPORT, ...io, ...forbiddenLibsOf(lib)] },
        ],
      },
    };
  }),
  {
    files: ['libs/policy/src/book/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [RELATIVE_LIB_IMPORT, SUB_BARREL_IMPORT, ...forbiddenLibsOf('policy')] },
      ],
    },
  },
  {
    files: PURE_LIBS.map((lib) => `libs/${lib}/**/*.ts`),
    ignores: ADAPTERS_OF_PURE_LIBS,
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
    },
  },
);
