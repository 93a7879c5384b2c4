// Golden corpus: every real Data Action in test/fixtures/corpus renders its request with inputs derived from its
// input contract; the files whose authors left a bug fail with the specific error Genesys would hit.
import fs from 'node:fs';
import path from 'node:path';
import { renderRequest } from '../../src/core/data-action/render-request';
import { renderSuccessTemplate, velocityReferences } from '../../src/core/velocity';
import type { DataAction, RenderedRequest } from '../../src/core/data-action/model';
import { parseDefinitionFile } from '../../src/core/data-action/parse';
import { CxpactError } from '../../src/core/errors';

const CORPUS = path.resolve(__dirname, '..', 'fixtures', 'corpus', 'data-actions');
const files = fs
  .readdirSync(CORPUS)
  .filter((f) => f.endsWith('.json'))
  .sort();

type Json = Record<string, unknown>;

function obj(v: unknown): Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {};
}

/** The project's own definition parser (UI export shape: config.request.*, contract.input.inputSchema). */
function toAction(file: string, text: string): DataAction {
  const parsed = parseDefinitionFile(path.join('test/fixtures/corpus/data-actions', file), text);
  if (parsed.errors.length > 0) throw parsed.errors[0];
  if (parsed.actions.length !== 1) throw new Error(`${file}: expected one action, parsed ${parsed.actions.length}`);
  return parsed.actions[0]!;
}

/** Simple values per declared type: "sample-<name>", 1, 1.5, true, one-item arrays, enums' first value. */
function sampleValue(name: string, schema: Json): unknown {
  if (Array.isArray(schema['enum']) && schema['enum'].length > 0) return schema['enum'][0];
  const type = Array.isArray(schema['type']) ? schema['type'].find((t) => t !== 'null') : schema['type'];
  switch (type) {
    case 'integer':
      return 1;
    case 'number':
      return 1.5;
    case 'boolean':
      return true;
    case 'array':
      return [sampleValue(name, obj(schema['items']))];
    case 'object':
      return Object.fromEntries(Object.entries(obj(schema['properties'])).map(([k, s]) => [k, sampleValue(k, obj(s))]));
    default:
      return `sample-${name}`;
  }
}

function deriveInputs(action: DataAction): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(obj(action.inputSchema['properties'])).map(([k, s]) => [k, sampleValue(k, obj(s))]),
  );
}

function isJsonBody(req: RenderedRequest, template: string): boolean {
  const ct = Object.entries(req.headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? '';
  return /json/i.test(ct) || /^\s*[[{]/.test(template);
}

/** Corpus files whose authors left a bug, and the error our emulation reports for them. */
const KNOWN_BROKEN: Record<string, RegExp> = {
  // `$Input.contactListId`: references are case-sensitive.
  'automated-callback-blueprint__Add-contact-to-contact-list.custom.json':
    /^Data Action '.*': Variable \$Input has not been set at requestUrlTemplate\[line 1, column 31\]$/,
  'process-automation-trigger-with-salesforce__get-summary.json':
    /^Data Action '.*': Variable \$Input has not been set at requestUrlTemplate\[line 1, column 23\]$/,
  // `${INPUT.ConversationID}` in the URL, `${Input.conversationId}` in the body.
  'negative-sentiment-callback__Update-External-Tag.custom.json':
    /^Data Action '.*': Variable \$INPUT has not been set at requestUrlTemplate\[line 1, column 23\]$/,
  // `${input.KEY_VALUE}.replace(' ', '%20')`: the method call is outside `${}` and renders as text, with spaces.
  'public-api-get-data-table-row-data-action-module__Get-Data-Table-Row.json':
    /the rendered URL holds a space at character \d+: \/api\/v2\/flows\/datatables\/sample-DATATABLE_ID\/rows\/sample-KEY_VALUE\.replace\(' ', '%20'\)\?showbrief=false$/,
  // `${input.contactlistId}` but the contract declares `contactListId`.
  'public-api-get-contact-from-contact-list-data-action-module__Get-Contact-From-Contact-List.json':
    /Reference \$input\.contactlistId evaluated to null when attempting to render \(no key 'contactlistId' in \$input\) at requestUrlTemplate\[line 1, column 31\]$/,
  // `${input.key}` but the contract declares `Key`.
  'public-api-insert-data-table-row-data-action-module__Insert-Data-Table-Row.json':
    /Reference \$input\.key evaluated to null when attempting to render \(no key 'key' in \$input\) at requestTemplate\[line 1, column 10\]$/,
  // `${input.service}` is not declared in the input contract at all.
  'terraform-provider-genesyscloud__example_action.from-tf.json':
    /Reference \$input\.service evaluated to null when attempting to render \(no key 'service' in \$input\) at requestUrlTemplate\[line 1, column 47\]$/,
  // `$salesforce.escReserved()` (SOSL escaping) used in a URL path: a value with '-' gets a backslash.
  'salesforce-update-sf-object-field-with-value-data-action-module__Update-SF-object-field-with-value.json':
    /the rendered URL holds "\\\\" at character 37: \/services\/data\/v54\.0\/sobjects\/sample\\-Object_SF_Type\/sample\\-Object_SF_ID$/,
};

/** The fix each known-broken file's error proposes. */
const KNOWN_FIX: Record<string, RegExp> = {
  'automated-callback-blueprint__Add-contact-to-contact-list.custom.json':
    /case-sensitive: write \$input instead of \$Input/,
  'negative-sentiment-callback__Update-External-Tag.custom.json': /case-sensitive: write \$input instead of \$INPUT/,
  'public-api-get-contact-from-contact-list-data-action-module__Get-Contact-From-Contact-List.json':
    /the contract declares 'contactListId', the template uses 'contactlistId'/,
  'public-api-insert-data-table-row-data-action-module__Insert-Data-Table-Row.json':
    /the contract declares 'Key', the template uses 'key'/,
  'terraform-provider-genesyscloud__example_action.from-tf.json':
    /input service is used by the template but missing from the case inputs; add it or use \$!\{input\.service\}, and declare it in contract\.input\.inputSchema/,
  'public-api-get-data-table-row-data-action-module__Get-Data-Table-Row.json': /keep method calls inside \$\{\.\.\.\}/,
};

/**
 * String inputs whose template embeds them as raw JSON (`"priority": $!{input.priority}`, `{ ${input.attributes} }`):
 * the sample must be JSON text of the kind the author documents, not "sample-<name>".
 */
const SAMPLE_OVERRIDES: Record<string, Record<string, unknown>> = {
  'public-api-create-callback-extended-with-data-data-action-module__Create-Callback-Extended-with-Data.json': {
    priority: '5',
  },
  'automated-callback-blueprint__Execute-workflow.custom.json': { attributes: '"key":"value", "key2":"value2"' },
  'switch-voice-to-web-messaging__Update-Participant-Data-on-Conversation.custom.json': {
    attributes: '{ "attribute1": "value1" }',
  },
};

/** Files that render, but whose JSON body does not parse (stray brace etc.). */
const KNOWN_BAD_JSON_BODY: Record<string, RegExp> = {
  // A stray `}` after the closing brace of the body.
  'public-api-get-user-id-by-email-data-action-module__Get-User-ID-by-Email.json':
    /Unexpected non-whitespace character after JSON/,
};

interface Outcome {
  file: string;
  action: DataAction;
  request?: RenderedRequest;
  error?: unknown;
}

const outcomes: Outcome[] = files.map((file) => {
  const action = toAction(file, fs.readFileSync(path.join(CORPUS, file), 'utf8'));
  try {
    return {
      file,
      action,
      request: renderRequest(action, { ...deriveInputs(action), ...(SAMPLE_OVERRIDES[file] ?? {}) }),
    };
  } catch (error) {
    return { file, action, error };
  }
});

describe('corpus request rendering', () => {
  it('has the whole corpus', () => {
    expect(files.length).toBeGreaterThanOrEqual(128);
  });

  it.each(outcomes.filter((o) => KNOWN_BROKEN[o.file] === undefined).map((o) => [o.file, o] as const))(
    '%s renders',
    (_file, o) => {
      if (o.error !== undefined) throw o.error;
      const req = o.request!;
      expect(req.url.trim()).not.toBe('');
      expect(req.method).toBe(o.action.request.method);
      if (req.method === 'GET') expect(req.body).toBeUndefined();
      // No sample value leaks as a literal `${...}`, and credentials never render as values.
      expect(req.url).not.toMatch(/\$\{|\$!\{/);
      for (const h of req.secretHeaders) expect(h.value).toMatch(/\{\{(credentials|authResponse|base64)/);
      if (req.body !== undefined && isJsonBody(req, o.action.request.bodyTemplate)) {
        const bad = KNOWN_BAD_JSON_BODY[o.file];
        if (bad) expect(() => JSON.parse(req.body!)).toThrow(bad);
        else expect(() => JSON.parse(req.body!)).not.toThrow();
      }
    },
  );

  it.each(Object.entries(KNOWN_BROKEN))('%s fails with its author bug named', (file, expected) => {
    const o = outcomes.find((x) => x.file === file);
    expect(o).toBeDefined();
    expect(o!.error).toBeInstanceOf(CxpactError);
    const err = o!.error as CxpactError;
    expect(err.message).toMatch(expected);
    expect(err.file).toBe(path.join('test/fixtures/corpus/data-actions', file));
    expect(err.path).toMatch(/^\$\.config\.request\./);
    expect(err.fix).toBeTruthy();
    if (KNOWN_FIX[file]) expect(err.fix).toMatch(KNOWN_FIX[file]!);
  });

  it('renders the credential placeholders of the custom-auth actions with regexes', () => {
    const zoom = outcomes.find(
      (o) =>
        o.file ===
        'update-zoom-presence-from-inbound-interaction-trigger-blueprint__ZoomServerToServerOAuthUserPresenceUpdates.customAuth.json',
    );
    expect(zoom?.request?.secretHeaders).toEqual([
      {
        header: 'Authorization',
        value: 'Basic {{base64(credentials.clientId:credentials.clientSecret)}}',
        regex: '^Basic .+$',
      },
    ]);
    expect(zoom?.request?.url).toBe('{{credentials.loginUrl}}');
    expect(zoom?.request?.secretParts).toEqual([{ part: 'url', value: '{{credentials.loginUrl}}', regex: '^.+$' }]);
    const teams = outcomes.find(
      (o) =>
        o.file ===
        'update-ms-teams-presence-from-inbound-interaction-trigger-blueprint__Update-Teams-User-Presence.custom.json',
    );
    expect(teams?.request?.secretHeaders).toEqual([
      { header: 'authorization', value: '{{authResponse.token_type}} {{authResponse.access_token}}', regex: '^.+ .+$' },
    ]);
  });
});

describe('corpus success templates', () => {
  // Each translation-map variable is JSON text; a one-element array of a string is valid wherever the corpus
  // puts a variable (bare, through firstFromArray, or through $esc.jsonEncode).
  const cases = outcomes.map((o) => {
    const vars: Record<string, string> = {};
    for (const k of [
      ...Object.keys(o.action.response.translationMap),
      ...Object.keys(o.action.response.translationMapDefaults),
    ]) {
      vars[k] = '["sample"]';
    }
    return [o.file, o.action.response.successTemplate, vars] as const;
  });

  it.each(cases)('%s success template renders valid JSON', (_file, template, vars) => {
    const out = renderSuccessTemplate(template, vars, '{"sample":true}');
    expect(() => JSON.parse(out)).not.toThrow();
    for (const ref of velocityReferences(template)) {
      expect(['rawResult', 'esc', 'successTemplateUtils', 'math', ...Object.keys(vars)]).toContain(ref.root);
    }
  });
});
