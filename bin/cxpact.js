#!/usr/bin/env node
// Entry point of the `cxpact` command when installed as a package: runs the TypeScript CLI through tsx.
'use strict';
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const tsxCli = require.resolve('tsx/cli');
const main = path.join(__dirname, '..', 'src', 'cli', 'main.ts');
const result = spawnSync(process.execPath, [tsxCli, main, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exitCode = result.status === null ? 1 : result.status;
