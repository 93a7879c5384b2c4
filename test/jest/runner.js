// jest's own runner, with the workers' raw output held back: what native code and child processes write straight to
// a worker's stdout/stderr (the Pact core's tracing, the Verifier's report, a child's inherited output) goes to the
// test file that was running in that worker (test/jest/environment.js writes start/end markers), is written to
// .tmp/jest-output.log, and is printed only for files that failed. A passing run's log stays short.
// Serial runs (`--runInBand`, a single file) have no workers: their output goes straight to the terminal as usual.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const TestRunner = require('jest-runner').default;
const { Worker } = require('jest-worker');
const { parseMarker, CAPTURE_ENV } = require('./output-markers');

/** Lines of one failed file's raw output printed at most (the whole output is in the log file). */
const MAX_LINES = 400;

function failed(result) {
  return result.numFailingTests > 0 || result.testExecError != null || Boolean(result.failureMessage);
}

/** Splits one worker stream into lines and files them under the test file running at the time. */
class StreamCapture {
  constructor(stream, name, sink) {
    this.name = name;
    this.sink = sink;
    this.partial = '';
    this.current = undefined;
    this.ended = new Promise((resolve) => {
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.on('error', resolve);
    });
    stream.setEncoding('utf8');
    stream.on('data', (chunk) => this.add(chunk));
  }

  add(chunk) {
    const lines = (this.partial + chunk).split('\n');
    this.partial = lines.pop();
    for (const line of lines) this.line(line);
  }

  line(line) {
    const m = parseMarker(line);
    if (m === undefined) {
      this.sink.line(this.current, this.name, line);
      return;
    }
    if (m.before !== '') this.sink.line(this.current, this.name, m.before);
    this.current = m.kind === 'start' ? m.testPath : undefined;
  }

  flush() {
    if (this.partial !== '') this.line(this.partial);
    this.partial = '';
  }
}

class OutputSink {
  constructor(rootDir) {
    this.byFile = new Map();
    this.rootDir = rootDir;
    this.logFile = path.join(rootDir, '.tmp', 'jest-output.log');
    fs.mkdirSync(path.dirname(this.logFile), { recursive: true });
    // `npm test` runs jest twice (scripts/test.sh): the second run adds to the first one's log.
    const tally = process.env.CXPACT_TEST_TALLY;
    const later = tally !== undefined && fs.existsSync(tally) && fs.statSync(tally).size > 0;
    this.log = fs.openSync(this.logFile, later ? 'a' : 'w');
  }

  line(testPath, stream, text) {
    if (testPath === undefined) {
      // Output of a worker between files (start-up, a crash): nobody to attribute it to, so it is shown.
      if (text.trim() !== '') (stream === 'stderr' ? process.stderr : process.stdout).write(`${text}\n`);
      return;
    }
    if (!this.byFile.has(testPath)) this.byFile.set(testPath, []);
    this.byFile.get(testPath).push(text);
    fs.writeSync(this.log, `${path.relative(this.rootDir, testPath)} [${stream}] ${text}\n`);
  }

  report(failedFiles) {
    for (const file of failedFiles) {
      const lines = (this.byFile.get(file) ?? []).filter((l) => l.trim() !== '');
      if (lines.length === 0) continue;
      const shown = lines.slice(-MAX_LINES);
      process.stderr.write(
        `\n── output of ${path.relative(this.rootDir, file)} outside jest's console (native code, child processes)` +
          `${shown.length < lines.length ? `, last ${shown.length} of ${lines.length} lines` : ''} ──\n${shown.join('\n')}\n── end of output ──\n`,
      );
    }
    fs.closeSync(this.log);
  }
}

class CxpactRunner extends TestRunner {
  async runTests(tests, watcher, options) {
    if (options.serial) return super.runTests(tests, watcher, options);
    const sink = new OutputSink(this._globalConfig.rootDir);
    const captures = [];
    const failedFiles = new Set();
    const offs = [
      this.on('test-file-success', ([test, result]) => {
        if (failed(result)) failedFiles.add(test.path);
      }),
      this.on('test-file-failure', ([test]) => failedFiles.add(test.path)),
    ];
    const getStdout = Worker.prototype.getStdout;
    const getStderr = Worker.prototype.getStderr;
    // jest-runner pipes the workers' merged output to ours right after creating them; take each worker's own
    // streams instead (the merged one loses which worker, hence which file, wrote a line).
    Worker.prototype.getStdout = function () {
      const workers = this._workerPool?.getWorkers?.();
      if (!Array.isArray(workers)) return getStdout.call(this);
      for (const w of workers)
        captures.push(
          new StreamCapture(w.getStdout(), 'stdout', sink),
          new StreamCapture(w.getStderr(), 'stderr', sink),
        );
      // Each worker's stream also feeds the pool's merged one; left unread it would fill and stall the workers.
      getStdout.call(this)?.resume();
      getStderr.call(this)?.resume();
      Worker.prototype.getStderr = () => null;
      return null;
    };
    const previous = process.env[CAPTURE_ENV];
    process.env[CAPTURE_ENV] = '1';
    let run;
    try {
      run = super.runTests(tests, watcher, options);
    } finally {
      // The worker farm is created synchronously inside runTests: the originals are back before anything else runs.
      Worker.prototype.getStdout = getStdout;
      Worker.prototype.getStderr = getStderr;
    }
    try {
      return await run;
    } finally {
      // (kept until the end: a worker jest restarts mid-run inherits it too)
      if (previous === undefined) delete process.env[CAPTURE_ENV];
      else process.env[CAPTURE_ENV] = previous;
      for (const off of offs) off();
      // The workers have exited (runTests ends them): wait for their last bytes, briefly.
      await Promise.race([
        Promise.all(captures.map((c) => c.ended)),
        new Promise((resolve) => setTimeout(resolve, 2000).unref()),
      ]);
      for (const c of captures) c.flush();
      sink.report(failedFiles);
    }
  }
}

module.exports = CxpactRunner;
