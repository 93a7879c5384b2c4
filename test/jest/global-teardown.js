// The last leak check of a run: after every file has been checked on its own (test/jest/environment.js), no process
// that carries this run's mark may still be alive: jest's own workers aside. A survivor fails the run, named, and
// is killed, process group and all.
'use strict';

const processes = require('./processes');

const GRACE_MS = Number(process.env.CXPACT_LEAK_GRACE_MS ?? 10_000);

module.exports = async function globalTeardown() {
  const value = process.env[processes.RUN_MARK];
  if (!processes.supported || value === undefined) return;
  const procs = () => processes.listProcesses();
  const isJest = (p) => p.pid === process.pid || (p.ppid === process.pid && /jest-worker|processChild\.js/.test(p.cmd));
  const find = () => {
    const all = procs();
    // Descendants of jest's workers are left to their files' checks; here, anything else with the mark.
    return [...all.values()].filter(
      (p) => p.state !== 'Z' && !isJest(p) && processes.hasEnv(p.pid, processes.RUN_MARK, value),
    );
  };
  const leaked = await processes.waitForExit(find, GRACE_MS);
  if (leaked.length === 0) return;
  processes.killAll(leaked, processes.ownProcessGroup());
  const error = new Error(
    `${leaked.length} process(es) started by the tests outlived the test run (now killed):\n${processes.describe(leaked)}`,
  );
  error.stack = '';
  throw error;
};
