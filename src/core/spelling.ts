// How a hint spells a cxpact command, so the line a user copies works where they are: `npm run pact:verify --
// --provider X` in a repository whose package.json declares cxpact's npm scripts, `npx cxpact verify --provider X`
// elsewhere. Pure: the core takes a Spelling; src/io/cli-spelling.ts makes one from the user's package.json.

/** The npm script cxpact's repository layout declares for each command. */
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

/** The command line that runs `cxpact <command> <args>` where the user is. */
export type Spelling = (command: string, args?: string) => string;

/** `npx cxpact <command> <args>`: right in any repository that installed the package. */
export const npxSpelling: Spelling = (command, args = '') => {
  const rest = args.trim();
  return rest === '' ? `npx cxpact ${command}` : `npx cxpact ${command} ${rest}`;
};

/** The spelling for a repository whose package.json has these `scripts`: its npm script where it declares one. */
export function spellingFromScripts(scripts: Readonly<Record<string, unknown>>): Spelling {
  return (command, args = '') => {
    const script = CXPACT_SCRIPTS[command];
    const rest = args.trim();
    if (script !== undefined && typeof scripts[script] === 'string')
      return rest === '' ? `npm run ${script}` : `npm run ${script} -- ${rest}`;
    return npxSpelling(command, rest);
  };
}
