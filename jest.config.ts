import type { Config } from 'jest';

// Four projects, all run by `npm test`, each selectable (`jest --selectProjects unit`, `npm run test:unit`):
//   unit         pure code: no servers, no child processes, no network (beside the code, and the golden tests)
//   integration  real servers and processes on 127.0.0.1: the Pact mock server and Verifier, the CLI, the recorder
//   broker       the local broker as a server: SQLite and a real PostgreSQL per file, the official clients, Chromium
//   e2e          the slowest end-to-end runs: `npm run demo`, the GitLab pipeline, the installed npm package
// Every test file belongs to exactly one project: unit, broker and e2e are listed here, integration is the rest.
// scripts/test.sh runs unit + integration, then broker, then e2e, as three jest runs (each within ~2 minutes on 2 cores).
// Type checking runs once in `npm test` (tsc --noEmit), so ts-jest only transpiles: that keeps 2-core CI fast.
const transform: Config['transform'] = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }],
};

const UNIT = [
  'src/**/*.test.ts',
  'test/corpus/{parse,render,translate}.test.ts',
  'test/lint/{rules,corpus}.test.ts',
  'test/gate/explain.test.ts',
  'test/recorded/check.test.ts',
  'test/verify/hints.test.ts',
  'test/genesys/fidelity.test.ts',
  'test/consumer/contract-core.test.ts',
  'test/broker/semantics.test.ts',
];
const E2E = ['test/e2e/**/*.test.ts', 'test/package/**/*.test.ts'];
const BROKER = ['test/broker/**/*.test.ts'];
const ALL = ['src/**/*.test.ts', 'test/**/*.test.ts', 'consumers/**/*.test.ts', 'providers/**/*.test.ts'];
const IGNORED = ['/node_modules/', '/.tmp/'];

const inRoot = (globs: string[]): string[] => globs.map((g) => `<rootDir>/${g}`);
/** The same globs as ignore patterns (regexes): `**` any path, `*` one segment, `{a,b}` either. */
const asRegexes = (globs: string[]): string[] =>
  globs.map(
    (g) =>
      '<rootDir>/' +
      g
        .replace(/[.+^$()|[\]\\]/g, '\\$&')
        .replace(/\{([^}]*)\}/g, (_m, alts: string) => `(${alts.split(',').join('|')})`)
        .replace(/\*\*\//g, '\u0000')
        .replace(/\*/g, '[^/]*')
        .replace(/\u0000/g, '(.*/)?') +
      '$',
  );

// What every project shares: the environment with the leak check and output markers, the quiet runner.
const common = {
  testEnvironment: '<rootDir>/test/jest/environment.js',
  runner: '<rootDir>/test/jest/runner.js',
  transform,
  moduleFileExtensions: ['ts', 'js', 'json'],
  // Applies the project's testEnvironmentOptions.testTimeout (jest's testTimeout is one value for all projects).
  setupFilesAfterEnv: ['<rootDir>/test/jest/timeout.js'],
};

const config: Config = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: inRoot(UNIT),
      testPathIgnorePatterns: IGNORED,
      testEnvironmentOptions: { testTimeout: 30_000 },
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: inRoot(ALL),
      testPathIgnorePatterns: [...IGNORED, ...asRegexes(UNIT), ...asRegexes(E2E), ...asRegexes(BROKER)],
      testEnvironmentOptions: { testTimeout: 60_000 },
    },
    {
      ...common,
      displayName: 'broker',
      testMatch: inRoot(BROKER),
      testPathIgnorePatterns: [...IGNORED, ...asRegexes(UNIT)],
      testEnvironmentOptions: { testTimeout: 60_000 },
    },
    // Each e2e step has its own, shorter deadline that names the step; the test timeout only catches a hang between steps.
    {
      ...common,
      displayName: 'e2e',
      testMatch: inRoot(E2E),
      testPathIgnorePatterns: IGNORED,
      testEnvironmentOptions: { testTimeout: 300_000 },
    },
  ],
  maxWorkers: 2,
  globalSetup: '<rootDir>/test/jest/global-setup.js',
  globalTeardown: '<rootDir>/test/jest/global-teardown.js',
  reporters: ['<rootDir>/test/jest/reporter.js', 'summary', '<rootDir>/test/summary-reporter.js'],
};

export default config;
