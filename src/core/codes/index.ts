// Every code cxpact reports, as closed unions per area. A Finding's and a CxpactError's code is one of these, so a
// typo is a type error and docs/codes.md (generated, tested in step) lists them all.
import { BROKER_CODES, type BrokerCode } from './broker';
import { CONTRACT_CODES, type ContractCode } from './contract';
import { DATA_ACTION_CODES, type DataActionCode } from './data-action';
import { ENGINE_CODES, type EngineCode } from './engine';
import { GATE_CODES, type GateCode } from './gate';
import { GENESYS_CODES, type GenesysCode } from './genesys';
import { LIMIT_CODES, type LimitCode } from './limits';
import { LINT_CODES, type LintCode } from './lint';
import { RECORDED_CODES, type RecordedCode } from './recorded';
import { USAGE_CODES, type UsageCode } from './usage';
import { VERIFY_CODES, type VerifyCode } from './verify';

export type {
  BrokerCode,
  ContractCode,
  DataActionCode,
  EngineCode,
  GateCode,
  GenesysCode,
  LimitCode,
  LintCode,
  RecordedCode,
  UsageCode,
  VerifyCode,
};
export { LINT_CODES } from './lint';

/** A bug in cxpact (never the user's input): reported with a request to file it. */
export const INTERNAL_CODES = { internal: 'a bug in cxpact: report it with the command and its input' } as const;
export type InternalCode = keyof typeof INTERNAL_CODES;

export type Code =
  | UsageCode
  | DataActionCode
  | EngineCode
  | LimitCode
  | ContractCode
  | LintCode
  | RecordedCode
  | BrokerCode
  | GateCode
  | VerifyCode
  | GenesysCode
  | InternalCode;

/** Each area's codes with a one-line summary, in the order docs/codes.md lists them. */
export const CODE_AREAS: ReadonlyArray<{ area: string; codes: Readonly<Record<string, string>> }> = [
  { area: 'Usage (exit 2)', codes: USAGE_CODES },
  { area: 'Data Action definitions, cases files and layout', codes: DATA_ACTION_CODES },
  { area: 'Emulator: Velocity, JSONPath, JSONata, translation, validation', codes: ENGINE_CODES },
  { area: 'Budgets and limits', codes: LIMIT_CODES },
  { area: 'Consumer contracts', codes: CONTRACT_CODES },
  {
    area: 'Lint (docs/lint-rules.md has severities)',
    codes: Object.fromEntries(
      Object.entries(LINT_CODES)
        .filter(([k]) => k.startsWith('lint.'))
        .map(([k, v]) => [k, v.summary]),
    ),
  },
  { area: 'Recorded checks', codes: RECORDED_CODES },
  { area: 'Pact Broker', codes: BROKER_CODES },
  { area: 'Deployment gate', codes: GATE_CODES },
  { area: 'Provider verification', codes: VERIFY_CODES },
  { area: 'Genesys Cloud and OAuth', codes: GENESYS_CODES },
  { area: 'Bugs', codes: INTERNAL_CODES },
];

/** True when `value` is a code of one of the lists (for data read back from JSON). */
export function isCode(value: unknown): value is Code {
  return typeof value === 'string' && CODE_AREAS.some((a) => Object.hasOwn(a.codes, value));
}

/** docs/codes.md: every code cxpact reports, by area, with what it means. */
export function codesMarkdown(): string {
  const lines = [
    '# Codes',
    '',
    '<!-- Generated from src/core/codes/; test/lint/registry.test.ts keeps it in step (UPDATE_DOCS=1 rewrites it). -->',
    '',
    'Every finding and error cxpact reports carries one of these codes (`--json` prints it as `code`). Each area keeps',
    'its codes in a closed list in `src/core/codes/`, so a code cannot be misspelt or reused for another condition. Lint',
    'rules, with their severities and families, are in docs/lint-rules.md.',
    '',
  ];
  for (const { area, codes } of CODE_AREAS) {
    lines.push(`## ${area}`, '', '| code | meaning |', '|---|---|');
    for (const [code, summary] of Object.entries(codes))
      lines.push(`| \`${code}\` | ${summary.replace(/\|/g, '\\|')} |`);
    lines.push('');
  }
  return lines.join('\n');
}
