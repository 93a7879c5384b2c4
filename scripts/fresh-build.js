#!/usr/bin/env node
// Keeps dist/ (the compiled CLI and library) in step with src/ in a checkout of cxpact, so a stale build never hides
// an edit. Plain JavaScript: it runs before anything is compiled.
//
//   node scripts/fresh-build.js           compile when src/ (or a tsconfig) changed since the last build (`prepare`,
//                                         `pretest`, jest's global setup, and bin/cxpact.js in a checkout)
//   node scripts/fresh-build.js --clean   remove dist/ and compile everything (`npm run build`, `prepack`)
//
// Fresh means: dist/.build-stamp is at least as new as every file and folder under src/ (tests aside) and both
// tsconfigs; the stamp carries the time its build started, so an edit made during a build is seen next time.
// Compiling is `tsc -p tsconfig.build.json --incremental` (its .tsbuildinfo lives in dist/, so removing dist/
// forces a full build); outputs whose source is gone are removed. One build at a time (a lock in .tmp/).
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const DIST = path.join(ROOT, 'dist');
const STAMP = path.join(DIST, '.build-stamp');
const LOCK = path.join(ROOT, '.tmp', 'build.lock');
/** A lock older than this is taken to be left by a build that died. */
const LOCK_STALE_MS = 5 * 60_000;

/** The newest modification time (ms) among the build's inputs. */
function newestInput() {
  let newest = 0;
  for (const file of ['tsconfig.json', 'tsconfig.build.json']) newest = Math.max(newest, fs.statSync(path.join(ROOT, file)).mtimeMs);
  const walk = (dir) => {
    newest = Math.max(newest, fs.statSync(dir).mtimeMs); // a file added, removed or renamed
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (!entry.name.endsWith('.test.ts')) newest = Math.max(newest, fs.statSync(full).mtimeMs);
    }
  };
  walk(path.join(ROOT, 'src'));
  return newest;
}

/** True when dist/ holds a build of the current sources. */
function isFresh() {
  try {
    return fs.statSync(STAMP).mtimeMs >= newestInput();
  } catch {
    return false;
  }
}

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Runs `fn` holding the build lock (waits for another build to end; takes over a lock left by a dead one). */
function withLock(fn) {
  fs.mkdirSync(path.dirname(LOCK), { recursive: true });
  for (;;) {
    try {
      fs.mkdirSync(LOCK);
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      try {
        if (Date.now() - fs.statSync(LOCK).mtimeMs > LOCK_STALE_MS) fs.rmSync(LOCK, { recursive: true, force: true });
      } catch {
        // the other build just released it
      }
      sleep(100);
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(LOCK, { recursive: true, force: true });
  }
}

/** Removes outputs in dist/ whose source file under src/ no longer exists (a deleted or renamed module). */
function removeOrphans(dir = DIST) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      removeOrphans(full);
      if (fs.readdirSync(full).length === 0) fs.rmdirSync(full);
      continue;
    }
    const m = /^(.*?)(\.d)?\.(js|ts)(\.map)?$/.exec(entry.name);
    if (m === null) continue;
    const source = path.join(ROOT, 'src', path.relative(DIST, dir), `${m[1]}.ts`);
    if (!fs.existsSync(source)) fs.rmSync(full);
  }
}

/**
 * Compiles src/ into dist/ when it is stale (or always, `clean` first, with `force`). Returns the exit status:
 * 0 when dist/ is fresh afterwards. tsc's errors go to `log` (stderr by default).
 */
function ensureFreshBuild({ clean = false, log = (text) => process.stderr.write(text), quiet = false } = {}) {
  if (!clean && isFresh()) return 0;
  return withLock(() => {
    if (!clean && isFresh()) return 0; // built by the process we waited for
    let tsc;
    try {
      tsc = require.resolve('typescript/bin/tsc', { paths: [ROOT] });
    } catch {
      log('[cxpact] cannot compile src/ to dist/: TypeScript is not installed.\n  fix: run `npm install` in the cxpact checkout.\n');
      return 1;
    }
    if (clean) fs.rmSync(DIST, { recursive: true, force: true });
    if (!quiet) log(`[cxpact] compiling src/ to dist/ (${clean ? 'clean build' : 'src/ changed since the last build'}) ...\n`);
    const started = new Date();
    const run = require('node:child_process').spawnSync(process.execPath, [tsc, '-p', path.join(ROOT, 'tsconfig.build.json'), '--incremental', '--tsBuildInfoFile', path.join(DIST, 'tsconfig.build.tsbuildinfo')], { cwd: ROOT, encoding: 'utf8' });
    if (run.status !== 0) {
      log(`${run.stdout}${run.stderr}[cxpact] the TypeScript build failed (tsc -p tsconfig.build.json exited ${run.status ?? run.signal}); dist/ is not up to date.\n`);
      return 1;
    }
    removeOrphans();
    fs.writeFileSync(STAMP, `built from src/ at ${started.toISOString()}\n`);
    fs.utimesSync(STAMP, started, started);
    return 0;
  });
}

module.exports = { ensureFreshBuild, isFresh };

if (require.main === module) process.exitCode = ensureFreshBuild({ clean: process.argv.includes('--clean') });
