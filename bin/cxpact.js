#!/usr/bin/env node
// Entry point of the `cxpact` command. cxpact runs on Node 24 (pact-js 17 and node:sqlite need it): when the Node
// that started this shim is older, it re-runs itself under the Node 24 binary that the `node` npm package (a
// dependency of cxpact) installed. On Node 24 it runs the compiled CLI (dist/cli/main.js) in this very process: no
// second process, no TypeScript compiler at start-up (docs/decisions/0008-compiled-start-up.md). Only a user's own
// TypeScript file (providers/<name>/provider.config.ts) is compiled, by tsx, when a command loads it.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');

function node24() {
  try {
    return path.join(path.dirname(require.resolve('node/package.json')), 'bin', 'node');
  } catch {
    process.stderr.write(
      `[cxpact] cxpact needs Node >= 24 but runs on ${process.version}, and the "node" package is not installed.\n` +
        '  fix: run `npm install` in the project that depends on cxpact (it brings Node 24), or install Node 24.\n',
    );
    process.exit(1);
  }
}

/** Re-runs this shim under Node 24 and keeps its exit code; SIGTERM/SIGHUP sent to this process are passed on. */
function rerunUnderNode24() {
  const { spawn } = require('node:child_process');
  const os = require('node:os');
  const child = spawn(node24(), [__filename, ...process.argv.slice(2)], { stdio: 'inherit' });
  // A process manager or CI script stops the command with SIGTERM/SIGHUP sent to this process only: pass them on, so
  // `cxpact broker` closes cleanly instead of living on as an orphan. Ctrl-C reaches the whole process group; this
  // process just waits for the CLI to finish (and keeps its exit code).
  for (const signal of ['SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  process.on('SIGINT', () => {});
  child.on('error', (error) => {
    process.stderr.write(`[cxpact] could not start the CLI: ${error.message}\n`);
    process.exitCode = 1;
  });
  child.on('exit', (code, signal) => {
    process.exitCode = code !== null ? code : 128 + (signal === null ? 0 : (os.constants.signals[signal] ?? 0));
    process.exit();
  });
}

/**
 * In a checkout of the repository (sources and scripts/fresh-build.js beside this file, not under node_modules),
 * dist/ is rebuilt first when src/ changed since the last build, so a stale build never hides an edit. An installed
 * package runs the build it was packed with.
 */
function freshBuild() {
  const checkout =
    !ROOT.split(path.sep).includes('node_modules') && fs.existsSync(path.join(ROOT, 'scripts', 'fresh-build.js'));
  if (!checkout) return true;
  const build = require(path.join(ROOT, 'scripts', 'fresh-build.js'));
  // process.stderr is looked at only for a build: creating it loads Node's stream modules (a tenth of a short command).
  return build.isFresh() || build.ensureFreshBuild({ quiet: !process.stderr.isTTY }) === 0;
}

if (Number(process.versions.node.split('.')[0]) < 24) {
  rerunUnderNode24();
} else {
  // Node's on-disk cache of compiled module code (os.tmpdir()/node-compile-cache; NODE_DISABLE_COMPILE_CACHE=1 turns
  // it off): the next start skips parsing and compiling the CLI's JavaScript again.
  require('node:module').enableCompileCache?.();
  if (!freshBuild()) {
    process.exitCode = 1;
  } else {
    let cli;
    try {
      cli = require(path.join(ROOT, 'dist', 'cli', 'main.js'));
    } catch (error) {
      if (error.code !== 'MODULE_NOT_FOUND' || !String(error.message).includes(path.join('dist', 'cli', 'main.js')))
        throw error;
      process.stderr.write(
        '[cxpact] the compiled CLI (dist/cli/main.js) is missing from this cxpact installation.\n  fix: reinstall cxpact (`npm install`); in a checkout of cxpact run `npm run build`.\n',
      );
      process.exitCode = 1;
    }
    if (cli !== undefined) cli.main();
  }
}
