import type { Config } from 'jest';

// One runner for every kind of test. Type checking runs once in `npm test` (tsc --noEmit), so ts-jest
// only transpiles: that keeps 2-core CI fast.
const transform: Config['transform'] = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }],
};

const config: Config = {
  testEnvironment: 'node',
  transform,
  moduleFileExtensions: ['ts', 'js', 'json'],
  testMatch: [
    '<rootDir>/src/**/*.test.ts',
    '<rootDir>/test/**/*.test.ts',
    '<rootDir>/consumers/**/*.test.ts',
    '<rootDir>/providers/**/*.test.ts',
  ],
  testPathIgnorePatterns: ['/node_modules/', '/.tmp/'],
  testTimeout: 60_000,
  maxWorkers: 2,
  reporters: ['default', '<rootDir>/test/summary-reporter.js'],
};

export default config;
