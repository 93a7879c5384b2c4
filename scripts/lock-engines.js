#!/usr/bin/env node
// npm checks each locked package's `engines.node` against the Node that runs npm, not the Node the package runs on.
// cxpact's dependencies run only on the Node 24 that the `node` package brings (docs/decisions/0001-node24-runtime.md),
// so on a machine whose npm runs on Node 20 a range such as pact-js's ">=22" gives EBADENGINE warnings about a
// situation that never happens. This script removes, from package-lock.json only, the `engines.node` ranges that the
// bundled Node satisfies and the oldest Node that may run npm (20.0.0) does not: the packages' own package.json keep
// theirs, and a range the bundled Node does not meet is kept (that warning would be true) and reported.
//
//   node scripts/lock-engines.js          rewrite package-lock.json (after `npm install` changed dependencies)
//   node scripts/lock-engines.js --check  exit 1 naming the entries that still carry such a range (used by a test)
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const LOCK = path.join(ROOT, 'package-lock.json');
const OLDEST_NPM_NODE = '20.0.0';

/** The version of the `node` package the lock pins (the Node every npm script runs on). */
function bundledNode(lock) {
  const entry = lock.packages['node_modules/node'];
  if (entry === undefined || typeof entry.version !== 'string')
    throw new Error(
      'package-lock.json has no node_modules/node entry: cxpact depends on the `node` package (decision 0001)',
    );
  return entry.version;
}

function parse(version) {
  return version
    .replace(/^v/, '')
    .split('.')
    .map((x) => Number(x) || 0);
}

function compare(a, b) {
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
  return 0;
}

/**
 * Whether `version` satisfies `range`, for the forms engines use: `>=N`, `>N`, `^N`, `N.x`, `*`, and
 * space-separated conjunctions of comparators, `||` alternatives. Undefined for anything else (left alone).
 */
function satisfies(version, range) {
  const v = parse(version);
  const alternatives = range.split('||').map((s) => s.trim());
  let any = false;
  for (const alt of alternatives) {
    if (alt === '' || alt === '*' || alt === 'x') return true;
    let all = true;
    for (const part of alt.replace(/([<>=^~]+)\s+/g, '$1').split(/\s+/)) {
      const m = /^(>=|<=|>|<|=|\^|~)?v?(\d+)(?:\.(\d+|x|\*))?(?:\.(\d+|x|\*))?$/.exec(part);
      if (m === null) return undefined;
      const want = [Number(m[2]), Number(m[3]) || 0, Number(m[4]) || 0];
      const c = compare(v, want);
      const op = m[1] ?? (m[3] === undefined || m[3] === 'x' || m[3] === '*' ? '^' : '=');
      const ok =
        op === '>='
          ? c >= 0
          : op === '>'
            ? c > 0
            : op === '<='
              ? c <= 0
              : op === '<'
                ? c < 0
                : op === '='
                  ? c === 0
                  : op === '^'
                    ? c >= 0 && v[0] === want[0]
                    : c >= 0 && v[0] === want[0] && v[1] === want[1];
      if (!ok) all = false;
    }
    if (all) any = true;
  }
  return any;
}

/** The lock entries whose engines.node only the bundled Node meets, and those that not even it meets. */
function survey(lock) {
  const bundled = bundledNode(lock);
  const strippable = [];
  const unmet = [];
  for (const [key, entry] of Object.entries(lock.packages)) {
    if (key === '' || entry.engines === undefined || typeof entry.engines.node !== 'string') continue;
    const range = entry.engines.node;
    const oldest = satisfies(OLDEST_NPM_NODE, range);
    if (oldest !== false) continue;
    if (satisfies(bundled, range) === true) strippable.push({ key, range });
    else unmet.push({ key, range });
  }
  return { bundled, strippable, unmet };
}

function main(argv) {
  const text = fs.readFileSync(LOCK, 'utf8');
  const lock = JSON.parse(text);
  const { bundled, strippable, unmet } = survey(lock);
  for (const u of unmet)
    process.stderr.write(
      `[lock-engines] ${u.key} needs Node ${u.range}, which the bundled Node ${bundled} does not meet: upgrade the node package or that dependency\n`,
    );
  if (argv.includes('--check')) {
    for (const s of strippable)
      process.stderr.write(
        `[lock-engines] ${s.key} still says engines.node "${s.range}" in package-lock.json: npm on Node 20 warns EBADENGINE although it runs on Node ${bundled}\n  fix: npm run lock:engines\n`,
      );
    return strippable.length > 0 || unmet.length > 0 ? 1 : 0;
  }
  for (const s of strippable) {
    const entry = lock.packages[s.key];
    delete entry.engines.node;
    if (Object.keys(entry.engines).length === 0) delete entry.engines;
    process.stdout.write(
      `[lock-engines] ${s.key}: engines.node "${s.range}" removed from the lock (runs on Node ${bundled})\n`,
    );
  }
  if (strippable.length > 0) fs.writeFileSync(LOCK, `${JSON.stringify(lock, null, 2)}\n`);
  else process.stdout.write('[lock-engines] nothing to change\n');
  return unmet.length > 0 ? 1 : 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));

module.exports = { satisfies, survey };
