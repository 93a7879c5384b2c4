// How to spell a cxpact command in a hint, so the line a user copies works where they are:
// `npm run pact:verify -- --provider X` in this repository (or one started from its layout, which declares the
// npm scripts), `npx cxpact verify --provider X` in a backend repository that only installs the package.
import fs from 'node:fs';
import path from 'node:path';

/** The npm script this repository's package.json declares for each cxpact command. */
export const CXPACT_SCRIPTS: Readonly<Record<string, string>> = {
  consumer: 'pact:consumer',
  publish: 'pact:publish',
  verify: 'pact:verify',
  record: 'pact:record',
  'check-recorded': 'pact:check-recorded',
  'can-i-deploy': 'pact:can-i-deploy',
  'record-deployment': 'pact:record-deployment',
  lint: 'pact:lint',
  'genesys-pull': 'genesys:pull',
  'genesys-test': 'genesys:test',
  broker: 'broker',
};

/** The `scripts` of `<cwd>/package.json` (empty when there is none or it cannot be read). */
function scriptsOf(cwd: string): Record<string, unknown> {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(cwd, 'package.json'), 'utf8')) as { scripts?: unknown };
    return typeof pkg.scripts === 'object' && pkg.scripts !== null && !Array.isArray(pkg.scripts) ? (pkg.scripts as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * The command line that runs `cxpact <command> <args>` from `cwd` (default: the process's working directory):
 * `npm run <script> -- <args>` when cwd's package.json has the script for that command, `npx cxpact <command>
 * <args>` otherwise.
 */
export function cxpactCommand(cwd: string | undefined, command: string, args = ''): string {
  const script = CXPACT_SCRIPTS[command];
  const rest = args.trim();
  if (script !== undefined && typeof scriptsOf(cwd ?? process.cwd())[script] === 'string') {
    return rest === '' ? `npm run ${script}` : `npm run ${script} -- ${rest}`;
  }
  return rest === '' ? `npx cxpact ${command}` : `npx cxpact ${command} ${rest}`;
}

/** Where the field reference of provider.config / record.config lives: a doc that ships with the npm package. */
export const PROVIDERS_DOC = 'docs/providers.md';

/**
 * A reference to a doc that ships with the package: `docs/<name>` when cwd is this repository (or has its own
 * copy), `node_modules/cxpact/docs/<name>` in a repository that installed cxpact.
 */
export function cxpactDoc(cwd: string | undefined, name: string): string {
  const local = path.join('docs', name);
  return fs.existsSync(path.join(cwd ?? process.cwd(), local)) ? local : path.join('node_modules', 'cxpact', 'docs', name);
}
