// The process table as the leak check sees it (Linux /proc): who is alive, who started whom, which test file's
// environment a process inherited. Used by the test environment (per test file) and the global teardown (per run).
'use strict';

const fs = require('node:fs');

/** Environment variable naming the test file a process was started under (inherited by its children). */
const FILE_MARK = 'CXPACT_TEST_FILE_ID';
/** Environment variable naming the jest run a process was started under. */
const RUN_MARK = 'CXPACT_TEST_RUN_ID';

const supported = fs.existsSync('/proc/self/stat');

/**
 * Every process: pid, parent, process group, session, state, start time (clock ticks since boot, so a reused pid
 * is a different process) and command line.
 */
function listProcesses() {
  const out = new Map();
  if (!supported) return out;
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat;
    try {
      stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // "pid (comm) state ppid pgrp session ..." where comm may contain spaces and parentheses.
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const f = stat.slice(close + 2).split(' ');
    const pid = Number(name);
    let cmd = '';
    try {
      cmd = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
    } catch {
      cmd = '';
    }
    out.set(pid, {
      pid,
      state: f[0],
      ppid: Number(f[1]),
      pgid: Number(f[2]),
      sid: Number(f[3]),
      start: f[19],
      cmd: cmd === '' ? `[${comm}]` : cmd,
    });
  }
  return out;
}

/** A process's identity across time (a pid can be reused). */
function identity(p) {
  return `${p.pid}@${p.start}`;
}

/** Whether a process's initial environment holds `name=value`. Unreadable (other user, gone) -> false. */
function hasEnv(pid, name, value) {
  try {
    return fs.readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(`${name}=${value}`);
  } catch {
    return false;
  }
}

/** Every live descendant of `root` (children, grandchildren, ...), zombies excluded. */
function descendants(procs, root) {
  const children = new Map();
  for (const p of procs.values()) {
    if (!children.has(p.ppid)) children.set(p.ppid, []);
    children.get(p.ppid).push(p);
  }
  const out = [];
  const stack = [...(children.get(root) ?? [])];
  while (stack.length > 0) {
    const p = stack.pop();
    if (p.state !== 'Z') out.push(p);
    stack.push(...(children.get(p.pid) ?? []));
  }
  return out;
}

/**
 * The processes that count as left behind by a test file: descendants of `root` and processes carrying the
 * file's mark in their environment (orphans re-parented to init keep it), minus what lived before and `exclude`.
 */
function leftBehind({ root, mark, before, exclude = () => false }) {
  const procs = listProcesses();
  const found = new Map();
  for (const p of descendants(procs, root)) found.set(p.pid, p);
  for (const p of procs.values()) {
    if (p.pid === root || p.state === 'Z' || found.has(p.pid)) continue;
    if (hasEnv(p.pid, mark.name, mark.value)) found.set(p.pid, p);
  }
  return [...found.values()].filter((p) => !before.has(identity(p)) && !exclude(p));
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits up to `graceMs` for the processes found by `find()` to go away (a child sent SIGTERM by an afterAll may
 * take a moment on a loaded machine). Returns what is still alive after the grace period.
 */
async function waitForExit(find, graceMs) {
  const until = Date.now() + graceMs;
  for (let delay = 20; ; delay = Math.min(delay * 2, 250)) {
    const alive = find();
    if (alive.length === 0 || Date.now() >= until) return alive;
    await sleep(delay);
  }
}

/** SIGKILLs the processes, their process groups when they lead one (and it is not ours), and their descendants. */
function killAll(processes, ownGroup) {
  const procs = listProcesses();
  const targets = new Set();
  for (const p of processes) {
    targets.add(p.pid);
    for (const d of descendants(procs, p.pid)) targets.add(d.pid);
    if (p.pgid === p.pid && p.pgid !== ownGroup) {
      try {
        process.kill(-p.pgid, 'SIGKILL');
      } catch {
        // group already gone
      }
    }
  }
  for (const pid of targets) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** One line per process for a failure message. */
function describe(processes) {
  return processes
    .map(
      (p) =>
        `  pid ${p.pid} (parent ${p.ppid}, process group ${p.pgid}): ${p.cmd.length > 300 ? `${p.cmd.slice(0, 300)}…` : p.cmd}`,
    )
    .join('\n');
}

function ownProcessGroup() {
  const self = listProcesses().get(process.pid);
  return self === undefined ? -1 : self.pgid;
}

module.exports = {
  FILE_MARK,
  RUN_MARK,
  supported,
  listProcesses,
  identity,
  hasEnv,
  descendants,
  leftBehind,
  waitForExit,
  killAll,
  describe,
  ownProcessGroup,
};
