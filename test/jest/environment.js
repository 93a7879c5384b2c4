// The jest test environment of every cxpact test file: Node's own, plus two duties.
// 1. Leak check. Every process a test file starts must be gone when the file ends. Before the file runs, the
//    environment notes the processes alive and marks the worker's environment with an id for this file (children
//    inherit it, so orphans re-parented to init are still recognised). At teardown it waits a grace period for
//    what the file started (its descendants, and anything carrying its mark) to exit; whatever is still alive is
//    killed, process group and all, and the file fails naming each left-over command line.
//    Likewise for handles: a timer, server or socket a file leaves open keeps the worker alive after the run, so
//    the file fails naming what it left (instead of jest's anonymous "A worker process has failed to exit").
// 2. Output attribution. It writes a start and an end marker line to the worker's stdout and stderr, so the runner
//    (test/jest/runner.js) can tell which file printed what outside jest's console (the Pact core and the Verifier
//    write straight to the file descriptors) and show that output only when the file fails.
// Settings: CXPACT_LEAK_GRACE_MS (default 10000) and CXPACT_HANDLE_GRACE_MS (default 2000), how long what a file
// started may take to go away; CXPACT_TEST_CPU=1 writes each file's CPU seconds (its own and its children's) to
// .tmp/jest-output.log: the cost of a file independent of the machine's load.
'use strict';

const { TestEnvironment } = require('jest-environment-node');
const processes = require('./processes');
const { marker } = require('./output-markers');

/** How long a process may take to exit after its test file ended (a loaded 2-core machine is slow to reap). */
const GRACE_MS = Number(process.env.CXPACT_LEAK_GRACE_MS ?? 10_000);

/** How long handles (timers, servers, sockets) left by a file may take to close after it ended. */
const HANDLE_GRACE_MS = Number(process.env.CXPACT_HANDLE_GRACE_MS ?? 2_000);

const HANDLE_HINTS = {
  Timeout: 'a timer: clearTimeout/clearInterval it when done, or unref() it',
  Immediate: 'a setImmediate never run',
  TCPServerWrap: 'a server: close() it',
  TCPSocketWrap: 'an open connection: end or destroy it, or closeAllConnections() on its server',
  PipeServerWrap: 'a pipe server: close() it',
  ProcessWrap: 'a child process: stop it and wait for its exit',
  FSEventWrap: 'a file watcher: close() it',
  StatWatcher: 'fs.watchFile: unwatchFile() it',
  MessagePort: 'a MessagePort or worker thread: close()/terminate() it',
  Worker: 'a worker thread: terminate() it',
};

/** Active (ref'd) resources of this worker process by type: what keeps its event loop alive. */
function countHandles() {
  const counts = new Map();
  for (const type of process.getActiveResourcesInfo()) counts.set(type, (counts.get(type) ?? 0) + 1);
  return counts;
}

/** The resource types of which there are more now than `before`, after waiting up to `graceMs` for them to close. */
async function lingeringHandles(before, graceMs) {
  const until = Date.now() + graceMs;
  for (let delay = 10; ; delay = Math.min(delay * 2, 200)) {
    const now = countHandles();
    const extra = [...now]
      .filter(([type, n]) => n > (before.get(type) ?? 0))
      .map(([type, n]) => ({ type, count: n - (before.get(type) ?? 0) }));
    if (extra.length === 0 || Date.now() >= until) return extra;
    await new Promise((resolve) => setTimeout(resolve, delay).unref());
  }
}

/** CPU seconds of this process and of its reaped descendants (opt-in profile: CXPACT_TEST_CPU=1). */
function cpuSeconds() {
  const u = process.cpuUsage();
  let children = 0;
  try {
    const f = require('node:fs').readFileSync('/proc/self/stat', 'utf8');
    const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
    children = (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    children = Number.NaN;
  }
  return { self: (u.user + u.system) / 1e6, children };
}

let files = 0;

/**
 * On Ctrl-C (or jest stopping a worker), what the running file started goes too: children in their own process
 * group (spawned detached, so a test can stop them group and all) would not get the terminal's signal otherwise.
 */
let current;
let signalsHooked = false;
function hookSignals() {
  if (signalsHooked || !processes.supported || typeof process.send !== 'function') return; // workers only
  signalsHooked = true;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(signal, () => {
      try {
        if (current !== undefined)
          processes.killAll(
            processes.leftBehind({
              root: process.pid,
              mark: { name: processes.FILE_MARK, value: current.mark },
              before: current.before,
            }),
            processes.ownProcessGroup(),
          );
      } finally {
        process.kill(process.pid, signal); // the default action, now that no handler is left
      }
    });
  }
}

class CxpactTestEnvironment extends TestEnvironment {
  constructor(config, context) {
    // Set before the sandbox copies process.env, so both children spawned with the default environment and children
    // given `{ ...process.env, ... }` inherit it.
    files += 1;
    const mark = `${process.pid}-${files}-${Date.now().toString(36)}`;
    process.env[processes.FILE_MARK] = mark;
    super(config, context);
    this.mark = mark;
    this.testPath = context.testPath;
    this.before = new Set();
    this.handlesBefore = new Map();
    // The project's test timeout (jest's own testTimeout is one value for all projects): test/jest/timeout.js applies it.
    const timeout = config.projectConfig.testEnvironmentOptions?.testTimeout;
    if (typeof timeout === 'number') this.global.__CXPACT_TEST_TIMEOUT__ = timeout;
  }

  async setup() {
    await super.setup();
    process.stdout.write(marker('start', this.testPath));
    process.stderr.write(marker('start', this.testPath));
    if (processes.supported) this.before = new Set([...processes.listProcesses().values()].map(processes.identity));
    current = this;
    hookSignals();
    this.handlesBefore = countHandles();
    if (process.env.CXPACT_TEST_CPU === '1') this.cpuBefore = cpuSeconds();
  }

  async teardown() {
    let leaked = [];
    let lingering = [];
    try {
      if (processes.supported) {
        const find = () =>
          processes.leftBehind({
            root: process.pid,
            mark: { name: processes.FILE_MARK, value: this.mark },
            before: this.before,
          });
        leaked = await processes.waitForExit(find, GRACE_MS);
        if (leaked.length > 0) processes.killAll(leaked, processes.ownProcessGroup());
      }
      await super.teardown();
      // Only in a worker (it has an IPC channel): in band, jest's own timers in this process blur the count.
      if (typeof process.send === 'function') lingering = await lingeringHandles(this.handlesBefore, HANDLE_GRACE_MS);
    } finally {
      if (current === this) current = undefined;
      if (this.cpuBefore !== undefined) {
        const now = cpuSeconds();
        process.stderr.write(
          `[cpu] ${this.testPath} self ${(now.self - this.cpuBefore.self).toFixed(1)} s, children ${(now.children - this.cpuBefore.children).toFixed(1)} s\n`,
        );
      }
      if (process.env[processes.FILE_MARK] === this.mark) delete process.env[processes.FILE_MARK];
      process.stdout.write(marker('end', this.testPath));
      process.stderr.write(marker('end', this.testPath));
    }
    const problems = [];
    if (leaked.length > 0) {
      problems.push(
        `${leaked.length} child process(es) outlived this test file (still running ${GRACE_MS / 1000} s after its last test; now killed):\n${processes.describe(leaked)}\n` +
          'Stop every process a test starts in the test itself (afterAll/afterEach), process group and all, and wait for it to exit.',
      );
    }
    if (lingering.length > 0) {
      problems.push(
        `This test file left handles that keep the jest worker alive (jest would later force-exit it: "A worker process has failed to exit gracefully"): ` +
          `${lingering.map(({ type, count }) => `${count} x ${type} (${HANDLE_HINTS[type] ?? 'close it'})`).join(', ')}.`,
      );
    }
    if (problems.length > 0) {
      const error = new Error(problems.join('\n'));
      error.stack = '';
      throw error;
    }
  }
}

module.exports = CxpactTestEnvironment;
