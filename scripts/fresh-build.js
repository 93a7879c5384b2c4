#!/usr/bin/env node
// Keeps dist/ (the compiled CLI and library) in step with src/ in a checkout of cxpact, so a stale build never hides
// an edit. Plain JavaScript: it runs before anything is compiled.
//
//   node scripts/fresh-build.js           compile when src/ (or a tsconfig) changed since the last build (`prepare`,
//                                         `pretest`, jest's global setup, and bin/cxpact.js in a checkout)
//   node scripts/fresh-build.js --clean   remove dist/ and compile everything (`npm run build`, `prepack`)
//
// Fresh means: dist/.build-stamp is at least as new as every file and folder under src/ (tests aside), both
// tsconfigs and scripts/module-pack.js (which writes the packs, below); the stamp carries the time its build
// started, so an edit made during a build is seen next time.
// Compiling is `tsc -p tsconfig.build.json --incremental` (its .tsbuildinfo lives in dist/, so removing dist/
// forces a full build); outputs whose source is gone are removed. One build at a time (a lock in .tmp/).
//
// A build also writes dist/packs/: the module graph of ajv-draft-04 (ajv and what it requires, 67 modules) packed
// into one file by scripts/module-pack.js from the installed versions, which the validator loads instead of the 67
// files when the installed versions are the packed ones (docs/decisions/0008-compiled-start-up.md). Run as a script
// (prepare, pretest) it also rewrites a pack whose versions are no longer the installed ones.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const DIST = path.join(ROOT, 'dist');
const STAMP = path.join(DIST, '.build-stamp');
const LOCK = path.join(ROOT, '.tmp', 'build.lock');
/** A lock older than this is taken to be left by a build that died. */
const LOCK_STALE_MS = 5 * 60_000;
/** Packed dependencies: the package, and the pack file (under dist/packs/, which removeOrphans leaves alone). */
const PACKS_DIR = path.join(DIST, 'packs');
// With the draft-04 meta-schema validator generated from ajv (src/core/data-action/draft04-meta-validator.generated.ts).
const PACKS = [
  {
    entry: 'ajv-draft-04',
    file: path.join(PACKS_DIR, 'ajv-draft-04.js'),
    extras: { 'draft04-meta-validator': path.join(DIST, 'core', 'data-action', 'draft04-meta-validator.generated.js') },
  },
];

/** The newest modification time (ms) among the build's inputs. */
function newestInput() {
  let newest = 0;
  for (const file of ['tsconfig.json', 'tsconfig.build.json', path.join('scripts', 'module-pack.js')])
    newest = Math.max(newest, fs.statSync(path.join(ROOT, file)).mtimeMs);
  // One stat per file and folder, names joined by hand: this runs before every command in a checkout.
  const walk = (dir, stat) => {
    if (stat.mtimeMs > newest) newest = stat.mtimeMs; // a file added, removed or renamed
    for (const name of fs.readdirSync(dir)) {
      const full = `${dir}${path.sep}${name}`;
      const entry = fs.statSync(full);
      if (entry.isDirectory()) walk(full, entry);
      else if (!name.endsWith('.test.ts') && entry.mtimeMs > newest) newest = entry.mtimeMs;
    }
  };
  const src = path.join(ROOT, 'src');
  walk(src, fs.statSync(src));
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
    if (full === PACKS_DIR) continue;
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

/** True when every pack exists and holds the versions installed now. */
function packsFresh() {
  return PACKS.every(({ file }) => {
    try {
      return require(file).matchesInstalled(ROOT);
    } catch {
      return false;
    }
  });
}

/** Writes every pack from the installed packages. */
function writePacks() {
  const { writeModulePack } = require('./module-pack.js');
  for (const { entry, file, extras } of PACKS) {
    delete require.cache[file];
    writeModulePack({
      entry,
      fromDir: ROOT,
      out: file,
      extras: Object.fromEntries(Object.entries(extras).filter(([, f]) => fs.existsSync(f))),
    });
  }
}

/**
 * Compiles src/ into dist/ when it is stale (or always, `clean` first, with `force`), and writes the packs with it;
 * with `packs`, also rewrites packs that are missing or no longer hold the installed versions. Returns the exit
 * status: 0 when dist/ is fresh afterwards. tsc's errors go to `log` (stderr by default).
 */
function ensureFreshBuild({
  clean = false,
  log = (text) => process.stderr.write(text),
  quiet = false,
  packs = false,
} = {}) {
  if (!clean && isFresh() && (!packs || packsFresh())) return 0;
  return withLock(() => {
    if (!clean && isFresh()) {
      if (packs && !packsFresh()) writePacks();
      return 0; // built by the process we waited for, or only the packs were behind
    }
    let tsc;
    try {
      tsc = require.resolve('typescript/bin/tsc', { paths: [ROOT] });
    } catch {
      log(
        '[cxpact] cannot compile src/ to dist/: TypeScript is not installed.\n  fix: run `npm install` in the cxpact checkout.\n',
      );
      return 1;
    }
    if (clean) fs.rmSync(DIST, { recursive: true, force: true });
    if (!quiet)
      log(`[cxpact] compiling src/ to dist/ (${clean ? 'clean build' : 'src/ changed since the last build'}) ...\n`);
    const started = new Date();
    const run = require('node:child_process').spawnSync(
      process.execPath,
      [
        tsc,
        '-p',
        path.join(ROOT, 'tsconfig.build.json'),
        '--incremental',
        '--tsBuildInfoFile',
        path.join(DIST, 'tsconfig.build.tsbuildinfo'),
      ],
      { cwd: ROOT, encoding: 'utf8' },
    );
    if (run.status !== 0) {
      log(
        `${run.stdout}${run.stderr}[cxpact] the TypeScript build failed (tsc -p tsconfig.build.json exited ${run.status ?? run.signal}); dist/ is not up to date.\n`,
      );
      return 1;
    }
    removeOrphans();
    writePacks();
    fs.writeFileSync(STAMP, `built from src/ at ${started.toISOString()}\n`);
    fs.utimesSync(STAMP, started, started);
    return 0;
  });
}

module.exports = { ensureFreshBuild, isFresh };

if (require.main === module)
  process.exitCode = ensureFreshBuild({ clean: process.argv.includes('--clean'), packs: true });
