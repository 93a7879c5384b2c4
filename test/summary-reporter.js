// A jest reporter that ends the run with one plain line, "jest: N passed, N failed[, N skipped]", so any CI log
// reader sees how many tests ran without knowing jest's own summary format.
'use strict';

class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    process.stdout.write(`\njest: ${results.numPassedTests} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}\n`);
  }
}

module.exports = SummaryReporter;
