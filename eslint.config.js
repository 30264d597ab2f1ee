import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      '.cache/**',
      'test-artifacts/**',
      '.bench/**',
      '.test-build/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    files: ['src/core/**/*.ts', 'src/coordinator/**/*.ts'],
    rules: {
      // Core and coordinator take time as a value; a clock read here would break determinism.
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Take time from the clock port.' },
      ],
      'no-restricted-imports': [
        'error',
        { patterns: ['node:fs', 'node:fs/*', 'fs', 'node:net', 'node:http'] },
      ],
    },
  },
  {
    // Paths run per request or per decision: see docs/service.md, "Young-generation survivors".
    files: [
      'src/service/**/*.ts',
      'src/coordinator/**/*.ts',
      'src/core/policy/**/*.ts',
      'src/live/store*.ts',
    ],
    ignores: ['src/service/openapi.ts', 'src/service/openapi-schemas.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'ObjectExpression > SpreadElement:first-child + Property',
          message:
            'A spread copy given fields of its own kept the copied object alive through young-generation ' +
            'collections on Node 20 (docs/service.md, "Young-generation survivors"): use Object.assign({}, source, { ... }).',
        },
      ],
    },
  },
);
