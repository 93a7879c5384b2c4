// The commands of `cxpact`: name and one-line summary. Light on purpose: `cxpact --help` prints this list without
// loading any command; a command's module (./commands/<name>.ts, exporting `command`) loads only to run it or print
// its own help, and takes its summary from here.

export const COMMAND_LIST = [
  { name: 'consumer', summary: 'Generate and check consumer pacts from the Data Actions in data-actions/' },
  { name: 'run', summary: 'Run one Data Action offline: rendered request, translation and validated outputs' },
  { name: 'publish', summary: 'Publish pacts/ to a Pact Broker with the official pact CLI (npm run pact:publish)' },
  { name: 'verify', summary: 'Verify a running provider against its pacts (broker, pact URL or local files)' },
  { name: 'record', summary: 'Record a third-party provider’s answers to its pacts (redacted) for recorded checks' },
  {
    name: 'check-recorded',
    summary:
      'Check a third-party provider’s recordings against its pacts (Pact matching rules); --publish to the broker',
  },
  {
    name: 'can-i-deploy',
    summary: 'Ask the broker whether a version can be deployed to an environment (plain-language reasons)',
  },
  { name: 'record-deployment', summary: 'Record in the broker that a version was deployed to an environment' },
  { name: 'lint', summary: 'Lint Data Action definitions (secrets, contracts, templates, defaults, timeouts)' },
  { name: 'genesys-pull', summary: "Pull the org's Data Actions into data-actions/ and report drift" },
  {
    name: 'genesys-test',
    summary: "Run cases through the org's Data Action test endpoint and compare with cxpact's emulation",
  },
  { name: 'broker', summary: 'Run the local Pact Broker (npm run broker)' },
] as const;

export type CommandName = (typeof COMMAND_LIST)[number]['name'];

/** The one-line summary of a command (`cxpact --help`). */
export function summaryOf(name: CommandName): string {
  return COMMAND_LIST.find((c) => c.name === name)?.summary ?? '';
}
