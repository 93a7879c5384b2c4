// A jest reporter that ends the run with one plain line, "jest: N passed, N failed[, N skipped]", so any CI log
// reader sees how many tests ran without knowing jest's own summary format. When `npm test` runs jest more than
// once (scripts/test.sh sets CXPACT_TEST_TALLY to a file), the last line adds up every run so far.
'use strict';

const fs = require('node:fs');

function line(label, c) {
  return `${label}: ${c.passed} passed, ${c.failed} failed${c.skipped > 0 ? `, ${c.skipped} skipped` : ''}`;
}

class SummaryReporter {
  onRunComplete(_contexts, results) {
    const run = {
      passed: results.numPassedTests,
      failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
      skipped: results.numPendingTests + results.numTodoTests,
    };
    let out = `\n${line('jest', run)}\n`;
    const tally = process.env.CXPACT_TEST_TALLY;
    if (tally) {
      let sum = { passed: 0, failed: 0, skipped: 0, runs: 0 };
      try {
        sum = { ...sum, ...JSON.parse(fs.readFileSync(tally, 'utf8')) };
      } catch {
        // first run
      }
      sum = {
        passed: sum.passed + run.passed,
        failed: sum.failed + run.failed,
        skipped: sum.skipped + run.skipped,
        runs: sum.runs + 1,
      };
      fs.writeFileSync(tally, JSON.stringify(sum));
      if (sum.runs > 1) out += `${line(`jest, all ${sum.runs} runs`, sum)}\n`;
    }
    process.stdout.write(out);
  }
}

module.exports = SummaryReporter;
