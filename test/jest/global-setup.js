// Before any test: marks this jest run in the environment every worker and every child inherits, so the global
// teardown can find any process of the run still alive at the end (test/jest/global-teardown.js); brings dist/ up
// to date for the tests that start the `cxpact` command as its own process (bin/cxpact.js runs the compiled CLI),
// once, before the workers start; and says early when the system packages of the integration tests are missing
// (they are installed by `npm run setup`, not here).
'use strict';

const crypto = require('node:crypto');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const processes = require('./processes');

module.exports = async function globalSetup(globalConfig) {
  process.env[processes.RUN_MARK] = `${process.pid}-${crypto.randomBytes(6).toString('hex')}`;
  const selected = globalConfig.selectProjects;
  if (Array.isArray(selected) && selected.every((p) => p === 'unit')) return;
  if (require('../../scripts/fresh-build.js').ensureFreshBuild({ packs: true }) !== 0)
    throw new Error(
      '[cxpact] the TypeScript build of src/ to dist/ failed (see above): the tests that start the cxpact command cannot run.',
    );
  const check = spawnSync('bash', [path.resolve(__dirname, '..', '..', 'scripts', 'setup-system.sh'), '--check'], {
    encoding: 'utf8',
  });
  if (check.status !== 0) {
    process.stderr.write(
      `\n[cxpact] ${(check.stdout || check.stderr).trim()}: the tests that need them will fail. Install them with \`npm run setup\` (scripts/setup-system.sh).\n\n`,
    );
  }
};
