// Sets the default test timeout of the file's project (testEnvironmentOptions.testTimeout in jest.config.ts), passed
// in by test/jest/environment.js. A test's own timeout argument still wins.
'use strict';

if (typeof globalThis.__CXPACT_TEST_TIMEOUT__ === 'number') jest.setTimeout(globalThis.__CXPACT_TEST_TIMEOUT__);
