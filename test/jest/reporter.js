// jest's default per-file reporter, quiet about files that passed: their console output (the Verifier's logger, a
// test's own console.log) is left out; a failing file shows everything, as before.
'use strict';

const { DefaultReporter } = require('@jest/reporters');

function passed(result) {
  return result.numFailingTests === 0 && result.testExecError == null && !result.failureMessage;
}

class QuietReporter extends DefaultReporter {
  onTestResult(test, result, aggregated) {
    super.onTestResult(test, passed(result) ? { ...result, console: undefined } : result, aggregated);
  }
}

module.exports = QuietReporter;
