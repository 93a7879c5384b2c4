// The lint rule registry: every code lint reports, with its severity, a one-line summary and the check that
// reports it. The checks are grouped by family (src/core/lint/rules/<family>.ts); a family walks the action once and
// reports the codes it owns. `cxpact lint --help` and docs/lint-rules.md are generated from here (a test keeps the
// committed doc in step), so a new rule cannot be missing from either. Pure.
import type { DataAction } from '../data-action/model';
import { LINT_CODES, type LintCode } from '../codes/lint';
import type { Severity } from '../finding';
import { LintContext } from './context';
import type { LintFinding, LintOptions } from './types';
import { checkContracts } from './rules/contract';
import { checkSecrets } from './rules/secrets';
import { checkRequest } from './rules/request';
import { checkInputs } from './rules/inputs';
import { checkResponse } from './rules/response';
import { checkTimeout } from './rules/config';
import { checkCost } from './rules/cost';

export type LintCheck = (c: LintContext) => void;

export interface LintFamily {
  name: string;
  /** What the family looks at, for the docs. */
  about: string;
  check: LintCheck;
  /** The codes its check reports. */
  codes: readonly LintCode[];
}

/** In the order they run: `inputs` reads what `request` found the templates use. */
export const LINT_FAMILIES: readonly LintFamily[] = [
  {
    name: 'contract',
    about: 'the input and output contracts',
    check: checkContracts,
    codes: [
      'lint.contract.ref',
      'lint.contract.output-missing',
      'lint.contract.nested-array',
      'lint.contract.output-dotted-key',
      'lint.contract.input-not-flat',
      'lint.contract.input-reserved',
      'lint.contract.input-name',
    ],
  },
  {
    name: 'secrets',
    about: 'literal credentials in the URL, headers and body',
    check: checkSecrets,
    codes: ['lint.secret.literal'],
  },
  {
    name: 'request',
    about: 'the request templates: references, inputs, URL, Accept, JSON body',
    check: checkRequest,
    codes: [
      'velocity.syntax',
      'lint.reference.wrong-case',
      'lint.reference.undefined',
      'lint.input.undeclared',
      'lint.template.stray-brace',
      'lint.template.method-outside-reference',
      'lint.request.accept-not-json',
      'lint.url.insecure',
      'lint.request.invalid-json',
      'lint.template.dot-after-value',
    ],
  },
  {
    name: 'inputs',
    about: 'declared inputs the requests never send, optional inputs without a guard',
    check: checkInputs,
    codes: ['lint.input.unused', 'lint.input.optional-unguarded'],
  },
  {
    name: 'response',
    about: 'the translation map, its defaults and the success template',
    check: checkResponse,
    codes: [
      'translation.jsonpath.syntax',
      'lint.translation.default-unused',
      'lint.translation.default-unquoted',
      'lint.translation.unused',
      'lint.translation.default-type',
      'lint.success-template.input-reference',
      'lint.success-template.quoted-value',
      'lint.success-template.render-error',
      'lint.success-template.invalid-json',
      'lint.output.type-unreachable',
      'lint.output.required-missing',
      // The success template is a template too: its syntax and references.
      'velocity.syntax',
      'lint.reference.wrong-case',
      'lint.reference.undefined',
    ],
  },
  {
    name: 'config',
    about: 'the timeout',
    check: checkTimeout,
    codes: ['lint.config.timeout-range', 'lint.config.timeout-custom-auth'],
  },
  {
    name: 'cost',
    about: 'what Genesys cannot evaluate in time: catastrophic regexes, unbounded or huge loops, endless recursion',
    check: checkCost,
    codes: [
      'lint.regex.catastrophic',
      'lint.template.loop-unbounded',
      'lint.template.loop-huge',
      'lint.template.macro-recursive',
      'lint.jsonata.recursion-unbounded',
    ],
  },
];

export interface LintRule {
  code: LintCode;
  severity: Severity;
  summary: string;
  /** The families whose check reports it (a template's syntax is checked wherever there is a template). */
  families: readonly string[];
  /** Runs those families on a context (a rule alone: its codes' findings are among what the context collects). */
  check: LintCheck;
}

/** The registry: one rule per code, in the order of src/core/codes/lint.ts. */
export const LINT_RULES: readonly LintRule[] = (Object.keys(LINT_CODES) as LintCode[]).map((code) => {
  const families = LINT_FAMILIES.filter((f) => f.codes.includes(code));
  return {
    code,
    severity: LINT_CODES[code].severity,
    summary: LINT_CODES[code].summary,
    families: families.map((f) => f.name),
    check: (c) => {
      for (const f of families) f.check(c);
    },
  };
});

/** All findings for one action, family by family. Literal secrets found are masked in every message and fix. */
export function lintAction(action: DataAction, options: LintOptions = {}): LintFinding[] {
  const c = new LintContext(action, options);
  for (const family of LINT_FAMILIES) family.check(c);
  const secrets = [...c.secrets].filter((v) => v.length >= 4).sort((a, b) => b.length - a.length);
  if (secrets.length === 0) return c.findings;
  const redact = (text: string): string => secrets.reduce((t, v) => t.split(v).join('***'), text);
  return c.findings.map((f) => ({ ...f, message: redact(f.message), fix: redact(f.fix) }));
}

/** The column rule summaries start at in `cxpact lint --help` (a longer name pushes its summary along). */
export const HELP_COLUMN = 38;

/** The rules as `cxpact lint --help` lists them: `code (severity)  summary`, wrapped at 118 columns. */
export function lintRulesHelp(): string {
  const lines: string[] = [];
  for (const r of LINT_RULES) {
    const name = `  ${r.code}${r.severity === 'error' ? '' : ` (${r.severity})`}`;
    const head = name.length < HELP_COLUMN ? name.padEnd(HELP_COLUMN) : `${name}   `;
    lines.push(
      ...wrap(r.summary, 118 - head.length).map((l, i) => (i === 0 ? `${head}${l}` : `${' '.repeat(HELP_COLUMN)}${l}`)),
    );
  }
  return lines.join('\n');
}

function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') out.push(line);
  return out;
}

/** docs/lint-rules.md: a table per family (code, severity, what it finds). */
export function lintRulesMarkdown(): string {
  const cell = (s: string): string => s.replace(/\|/g, '\\|');
  const lines = [
    '# Lint rules',
    '',
    '<!-- Generated from src/core/lint/registry.ts and src/core/codes/lint.ts; test/lint/registry.test.ts keeps it in step. -->',
    '',
    '`cxpact lint` (`npm run pact:lint`) checks every Data Action definition for what Genesys only reports at run time, or',
    'never. Each finding has a stable code, a severity, the file, the JSON path of the field (and line and column inside a',
    'template) and the fix. `error` fails the run; `warning` does not; `info` is shown only with `--info`. A definition or',
    'cases file that cannot be read is a finding too (`data-action.*`, `cases.*`), and so is an action that exceeds a',
    'budget or limit (`budget.*`, `limit.*`); docs/codes.md lists every code cxpact reports.',
    '',
  ];
  for (const family of LINT_FAMILIES) {
    lines.push(`## ${family.name}: ${family.about}`, '', '| code | severity | finds |', '|---|---|---|');
    for (const code of family.codes)
      lines.push(`| \`${code}\` | ${LINT_CODES[code].severity} | ${cell(LINT_CODES[code].summary)} |`);
    lines.push('');
  }
  return lines.join('\n');
}
