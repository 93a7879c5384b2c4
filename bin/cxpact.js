#!/usr/bin/env node
// Entry point of the `cxpact` command when installed as a package. cxpact runs on Node 24 (pact-js 17 and
// node:sqlite need it): when the Node that started this shim is older, re-run under the Node 24 binary that the
// `node` npm package (a dependency of cxpact) installed. The TypeScript CLI runs through tsx.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');
const os = require('node:os');

function node24() {
  const major = Number(process.versions.node.split('.')[0]);
  if (major >= 24) return process.execPath;
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

// Which CLI to run: an installed package (under node_modules) runs its build in dist/ (made by `npm pack`'s
// prepack), so the `cxpact` library a provider config imports is the very same code; a checkout of the repository
// runs its sources, so a stale dist/ never hides an edit. Either way tsx starts it: the provider configs it loads
// (providers/<name>/provider.config.ts) are TypeScript.
function cliEntry() {
  const root = path.join(__dirname, '..');
  const built = path.join(root, 'dist', 'cli', 'main.js');
  const source = path.join(root, 'src', 'cli', 'main.ts');
  const installed = root.split(path.sep).includes('node_modules');
  if ((installed || !fs.existsSync(source)) && fs.existsSync(built)) return built;
  return source;
}

const tsxCli = require.resolve('tsx/cli');
const main = cliEntry();
const child = spawn(node24(), [tsxCli, main, ...process.argv.slice(2)], { stdio: 'inherit' });
// A process manager or CI script stops the command with SIGTERM/SIGHUP sent to this process only: pass them on, so
// `cxpact broker` closes cleanly instead of living on as an orphan. Ctrl-C reaches the whole process group, and
// tsx relays it itself; this process just waits for the CLI to finish (and keeps its exit code).
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
