// Each lint rule on a small definition: it fires on the bug, with the right code, severity and JSON path, and stays
// quiet on the corrected definition. Definitions go through the real parser (parseDefinitionFile).
import { parseDefinitionFile } from '../../src/core/data-action/parse';
import { lintAction } from '../../src/core/lint/registry';
import type { LintFinding as Finding } from '../../src/core/lint/types';
import { findingJson } from '../../src/cli/render';
import { formatJUnit, formatJson, formatText } from '../../src/cli/render/lint';

/** A lint finding as --json prints it (flat: file, path, line, column beside the code), which these tests assert. */
type LintFinding = {
  code: string;
  severity: string;
  message: string;
  file: string;
  path: string;
  fix: string;
  action: string;
  line?: number;
  column?: number;
};
const flat = (findings: Finding[]): LintFinding[] => findings.map((f) => findingJson(f) as LintFinding);

type Json = Record<string, unknown>;

function definition(
  overrides: {
    request?: Json;
    response?: Json;
    input?: Json;
    output?: Json | null;
    timeoutSeconds?: number;
    actionType?: string;
  } = {},
): Json {
  return {
    name: 'Lookup Customer',
    integrationType: 'custom-rest-actions',
    actionType: overrides.actionType ?? 'custom',
    config: {
      request: {
        requestUrlTemplate: 'https://crm.example.com/customers?phone=$esc.url(${input.phone})',
        requestType: 'GET',
        headers: { Authorization: 'Bearer ${credentials.token}' },
        requestTemplate: '${input.rawRequest}',
        ...(overrides.request ?? {}),
      },
      response: {
        translationMap: { customerId: '$.id', tier: '$.tier' },
        translationMapDefaults: { tier: '"basic"' },
        successTemplate: '{"customerId": ${customerId}, "tier": ${tier}}',
        ...(overrides.response ?? {}),
      },
      ...(overrides.timeoutSeconds === undefined ? {} : { timeoutSeconds: overrides.timeoutSeconds }),
    },
    contract: {
      input: {
        inputSchema: overrides.input ?? {
          type: 'object',
          required: ['phone'],
          properties: { phone: { type: 'string' } },
        },
      },
      output: {
        successSchema:
          overrides.output === null
            ? {}
            : (overrides.output ?? {
                type: 'object',
                properties: { customerId: { type: 'string' }, tier: { type: 'string' } },
              }),
      },
    },
    secure: false,
  };
}

function lint(def: Json): LintFinding[] {
  const parsed = parseDefinitionFile('data-actions/crm/lookup.json', JSON.stringify(def));
  expect(parsed.errors).toEqual([]);
  const action = parsed.actions[0];
  if (action === undefined) throw new Error('no action parsed');
  return flat(lintAction(action));
}

const codes = (findings: LintFinding[]): string[] => findings.map((f) => f.code).sort();

describe('lint rules', () => {
  it('a correct definition has no findings', () => {
    expect(lint(definition())).toEqual([]);
  });

  describe('lint.secret.literal', () => {
    it.each([
      [
        'a bearer token in Authorization',
        { headers: { Authorization: 'Bearer 9f8e7d6c5b4a39281706' } },
        '$.config.request.headers.Authorization',
      ],
      ['an API key header', { headers: { 'x-api-key': 'AbCdEf0123456789' } }, "$.config.request.headers['x-api-key']"],
      [
        'a JWT in any header',
        { headers: { 'X-Custom': 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abc' } },
        "$.config.request.headers['X-Custom']",
      ],
      [
        'an api_key query parameter',
        { requestUrlTemplate: 'https://crm.example.com/c?api_key=0123456789abcdef&phone=${input.phone}' },
        '$.config.request.requestUrlTemplate',
      ],
      [
        'user:password in the URL',
        { requestUrlTemplate: 'https://admin:hunter2hunter2@crm.example.com/c/${input.phone}' },
        '$.config.request.requestUrlTemplate',
      ],
    ])('flags %s', (_label, request, path) => {
      const findings = lint(definition({ request }));
      const secret = findings.find((f) => f.code === 'lint.secret.literal');
      expect(secret).toMatchObject({
        severity: 'error',
        path,
        file: 'data-actions/crm/lookup.json',
        action: 'Lookup Customer',
      });
      expect(secret?.fix).toContain('${credentials.');
    });

    it('flags a client_secret literal in a form body', () => {
      const findings = lint(
        definition({
          request: {
            requestType: 'POST',
            headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
            requestTemplate: 'grant_type=client_credentials&client_id=${input.phone}&client_secret=q8Xv2LmN4pR7sT1w',
          },
        }),
      );
      expect(findings.find((f) => f.code === 'lint.secret.literal')?.path).toBe('$.config.request.requestTemplate');
    });

    it('does not take a short generic "key" or "code" parameter for a secret', () => {
      expect(
        lint(
          definition({
            request: {
              requestUrlTemplate:
                'https://crm.example.com/c?key=customerId&code=ORDER123&phone=$esc.url(${input.phone})',
            },
          }),
        ),
      ).toEqual([]);
      expect(
        codes(
          lint(
            definition({
              request: {
                requestUrlTemplate: 'https://fn.example.net/api/x?code=aZ3kL9pQ2xV7mN4bR8tY1wE6&p=${input.phone}',
              },
            }),
          ),
        ),
      ).toEqual(['lint.secret.literal']);
    });

    it('accepts credentials and authResponse references, and placeholders', () => {
      expect(
        lint(
          definition({
            request: {
              headers: {
                Authorization: 'Basic $encoding.base64("${credentials.clientId}:${credentials.clientSecret}")',
              },
            },
          }),
        ),
      ).toEqual([]);
      expect(
        lint(
          definition({
            request: { headers: { Authorization: '${authResponse.token_type} ${authResponse.access_token}' } },
          }),
        ),
      ).toEqual([]);
      expect(lint(definition({ request: { headers: { 'x-api-key': '<your-api-key>' } } }))).toEqual([]);
    });
  });

  it('never repeats a literal secret in a finding (reports are CI artifacts): URL, header and body', () => {
    const key = 'AbCdEf0123456789xyz';
    const token = '9f8e7d6c5b4a39281706';
    const findings = lint(
      definition({
        request: {
          requestType: 'POST',
          requestUrlTemplate: `http://admin:hunter2hunter2@crm.example.com/c?api_key=${key}&phone=\${input.phone}`,
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
          requestTemplate: `{"client_secret": "q8Xv2LmN4pR7sT1w", "phone": "\${input.phone}"}}`,
        },
      }),
    );
    expect(codes(findings)).toEqual(
      expect.arrayContaining(['lint.secret.literal', 'lint.url.insecure', 'lint.request.invalid-json']),
    );
    expect(findings.find((f) => f.code === 'lint.url.insecure')?.message).toBe(
      'The request URL uses plain HTTP (http://crm.example.com/...).',
    );
    const text = JSON.stringify(findings);
    for (const secret of [key, token, 'hunter2hunter2', 'q8Xv2LmN4pR7sT1w']) expect(text).not.toContain(secret);
  });

  it('lint.url.insecure flags an http:// URL', () => {
    const findings = lint(definition({ request: { requestUrlTemplate: 'http://crm.example.com/c/${input.phone}' } }));
    expect(findings).toEqual([
      expect.objectContaining({
        code: 'lint.url.insecure',
        severity: 'error',
        path: '$.config.request.requestUrlTemplate',
      }),
    ]);
  });

  it('lint.request.accept-not-json', () => {
    expect(lint(definition({ request: { headers: { Accept: 'text/xml' } } }))).toEqual([
      expect.objectContaining({ code: 'lint.request.accept-not-json', path: '$.config.request.headers.Accept' }),
    ]);
    expect(lint(definition({ request: { headers: { Accept: 'application/json' } } }))).toEqual([]);
  });

  it('lint.output.required-missing: a required output the template never writes', () => {
    const findings = lint(
      definition({
        output: {
          type: 'object',
          required: ['status'],
          properties: { customerId: { type: 'string' }, status: { type: 'string' } },
        },
      }),
    );
    expect(findings).toEqual([
      expect.objectContaining({
        code: 'lint.output.required-missing',
        path: '$.contract.output.successSchema.required',
      }),
    ]);
  });

  it('lint.input.undeclared and lint.input.unused', () => {
    const findings = lint(
      definition({
        request: { requestUrlTemplate: 'https://crm.example.com/c/${input.customerId}' },
        input: { type: 'object', properties: { phone: { type: 'string' } } },
      }),
    );
    expect(findings).toEqual([
      expect.objectContaining({
        code: 'lint.input.undeclared',
        severity: 'error',
        path: '$.config.request.requestUrlTemplate',
        line: 1,
        column: 27,
      }),
      expect.objectContaining({
        code: 'lint.input.unused',
        severity: 'warning',
        path: '$.contract.input.inputSchema.properties.phone',
      }),
    ]);
  });

  it('${input.rawRequest} in a POST body uses every input', () => {
    expect(
      lint(
        definition({
          request: {
            requestType: 'POST',
            requestUrlTemplate: 'https://crm.example.com/c',
            requestTemplate: '${input.rawRequest}',
          },
        }),
      ),
    ).toEqual([]);
  });

  it('lint.reference.wrong-case: $Input, $INPUT and a mis-cased input name', () => {
    const root = lint(definition({ request: { requestUrlTemplate: 'https://crm.example.com/c/${Input.phone}' } }));
    expect(codes(root)).toEqual(['lint.reference.wrong-case']);
    expect(root[0]?.fix).toBe('Write ${input.phone}.');
    const name = lint(definition({ request: { requestUrlTemplate: 'https://crm.example.com/c/${input.Phone}' } }));
    expect(codes(name)).toEqual(['lint.reference.wrong-case']);
    expect(name[0]?.message).toContain('declares "phone"');
    const success = lint(
      definition({ response: { successTemplate: '{"customerId": ${CustomerId}, "tier": ${tier}}' } }),
    );
    expect(success.map((f) => [f.code, f.path])).toEqual([
      ['lint.reference.wrong-case', '$.config.response.successTemplate'],
      ['lint.translation.unused', '$.config.response.translationMap.customerId'],
    ]);
  });

  it('lint.reference.undefined: an unknown root in the success template', () => {
    const findings = lint(
      definition({ response: { successTemplate: '{"customerId": ${customerId}, "tier": ${tier}, "x": ${presence}}' } }),
    );
    expect(findings).toEqual([
      expect.objectContaining({
        code: 'lint.reference.undefined',
        path: '$.config.response.successTemplate',
        line: 1,
        column: 53,
      }),
    ]);
  });

  it('lint.success-template.input-reference warns about $input in the success template', () => {
    const findings = lint(
      definition({
        response: { successTemplate: '{"customerId": ${customerId}, "tier": ${tier}, "phone": "$input.phone"}' },
      }),
    );
    expect(findings.map((f) => [f.code, f.severity])).toEqual([['lint.success-template.input-reference', 'warning']]);
  });

  it('lint.translation.unused: a key the success template never uses (also with ${rawResult})', () => {
    const findings = lint(
      definition({ response: { successTemplate: '${rawResult}' }, output: { type: 'object', properties: {} } }),
    );
    expect(findings.map((f) => [f.code, f.severity, f.path])).toEqual([
      ['lint.translation.unused', 'warning', '$.config.response.translationMap.customerId'],
      ['lint.translation.unused', 'warning', '$.config.response.translationMap.tier'],
    ]);
  });

  it('lint.translation.default-unquoted: a string default without its quotes; quoted strings and bare numbers are fine', () => {
    const findings = lint(definition({ response: { translationMapDefaults: { tier: 'basic' } } }));
    expect(findings).toEqual([
      expect.objectContaining({
        code: 'lint.translation.default-unquoted',
        path: '$.config.response.translationMapDefaults.tier',
        fix: 'Write "tier": "\\"basic\\"" (a JSON string inside the JSON string).',
      }),
    ]);
    expect(
      lint(definition({ response: { translationMapDefaults: { tier: '"basic"', customerId: '"none"' } } })),
    ).toEqual([]);
    // a bare number is JSON text: fine for a numeric output
    expect(
      lint(
        definition({
          response: { translationMapDefaults: { customerId: '0' } },
          output: { type: 'object', properties: { customerId: { type: 'integer' }, tier: { type: 'string' } } },
        }),
      ),
    ).toEqual([]);
    expect(codes(lint(definition({ response: { translationMapDefaults: { tier: '' } } })))).toEqual([
      'lint.translation.default-unquoted',
    ]);
  });

  it('lint.translation.default-unused: a non-JSON default on a path that always resolves is dead (warning); through a missing property it applies (error)', () => {
    const output = { type: 'object', properties: { ids: { type: 'array', items: { type: 'string' } } } };
    const deep = lint(
      definition({
        response: {
          translationMap: { ids: '$..id' },
          translationMapDefaults: { ids: '' },
          successTemplate: '{"ids": ${ids}}',
        },
        output,
      }),
    );
    expect(deep).toEqual([
      expect.objectContaining({
        code: 'lint.translation.default-unused',
        severity: 'warning',
        path: '$.config.response.translationMapDefaults.ids',
      }),
    ]);
    // `$.items[*].id` fails on a response without "items": the default is inserted there, so it must be JSON text.
    const filtered = lint(
      definition({
        response: {
          translationMap: { ids: '$.items[*].id' },
          translationMapDefaults: { ids: '' },
          successTemplate: '{"ids": ${ids}}',
        },
        output,
      }),
    );
    expect(codes(filtered)).toEqual(['lint.translation.default-unquoted']);
    expect(
      lint(
        definition({
          response: {
            translationMap: { ids: '$.items[*].id' },
            translationMapDefaults: { ids: '[]' },
            successTemplate: '{"ids": ${ids}}',
          },
          output,
        }),
      ),
    ).toEqual([]);
  });

  it('lint.translation.default-type: a default the output type rejects', () => {
    const findings = lint(definition({ response: { translationMapDefaults: { tier: 'null' } } }));
    expect(findings).toEqual([
      expect.objectContaining({
        code: 'lint.translation.default-type',
        path: '$.config.response.translationMapDefaults.tier',
        fix: 'Use a default of type string (e.g. "\\"\\""), or declare "type": ["string","null"] for "tier".',
      }),
    ]);
    expect(codes(lint(definition({ response: { translationMapDefaults: { tier: '0' } } })))).toEqual([
      'lint.translation.default-type',
    ]);
    expect(
      lint(
        definition({
          response: { translationMapDefaults: { tier: 'null' } },
          output: {
            type: 'object',
            properties: { customerId: { type: 'string' }, tier: { type: ['string', 'null'] } },
          },
        }),
      ),
    ).toEqual([]);
  });

  it('lint.success-template.quoted-value: "${x}" around a translation value', () => {
    const findings = lint(
      definition({ response: { successTemplate: '{"customerId": "${customerId}", "tier": ${tier}}' } }),
    );
    expect(findings).toEqual([
      expect.objectContaining({
        code: 'lint.success-template.quoted-value',
        path: '$.config.response.successTemplate',
        line: 1,
        column: 17,
      }),
    ]);
    // a size() count made a string on purpose is fine
    const count = lint(
      definition({
        response: {
          translationMap: { n: '$.items.size()' },
          translationMapDefaults: {},
          successTemplate: '{"count": "${n}"}',
        },
        output: { type: 'object', properties: { count: { type: 'string' } } },
      }),
    );
    expect(count).toEqual([]);
  });

  it('lint.success-template.invalid-json: the default case does not render JSON', () => {
    const findings = lint(
      definition({ response: { successTemplate: '{"customerId": ${customerId}, "tier": ${tier}}}' } }),
    );
    expect(findings).toEqual([
      expect.objectContaining({
        code: 'lint.success-template.invalid-json',
        severity: 'error',
        path: '$.config.response.successTemplate',
      }),
    ]);
    expect(findings[0]?.message).toContain('{"customerId": "sample", "tier": "basic"}}');
  });

  it('lint.output.type-unreachable: a filter path into a string output; firstFromArray is fine', () => {
    const bad = lint(
      definition({
        response: {
          translationMap: { customerId: '$.customers[?(@.active == true)].id' },
          translationMapDefaults: {},
          successTemplate: '{"customerId": ${customerId}}',
        },
      }),
    );
    expect(bad).toEqual([
      expect.objectContaining({
        code: 'lint.output.type-unreachable',
        path: '$.config.response.translationMap.customerId',
      }),
    ]);
    const good = lint(
      definition({
        response: {
          translationMap: { customerId: '$.customers[?(@.active == true)].id' },
          translationMapDefaults: {},
          successTemplate:
            '{"customerId": $successTemplateUtils.firstFromArray("${customerId}", "$esc.quote$esc.quote")}',
        },
      }),
    );
    expect(good).toEqual([]);
    const array = lint(
      definition({
        response: {
          translationMap: { ids: '$.customers[*].id' },
          translationMapDefaults: {},
          successTemplate: '{"ids": ${ids}}',
        },
        output: { type: 'object', properties: { ids: { type: 'array', items: { type: 'string' } } } },
      }),
    );
    expect(array).toEqual([]);
  });

  it('lint.contract.*: nested arrays, $ref, non-flat input, reserved and invalid input names, dotted output keys', () => {
    const findings = lint(
      definition({
        request: {
          requestUrlTemplate: 'https://crm.example.com/c/${input.phone}',
          requestType: 'POST',
          requestTemplate: '${input.rawRequest}',
        },
        input: {
          type: 'object',
          properties: {
            phone: { type: 'string' },
            address: { type: 'object', properties: { city: { type: 'string' } } },
            orgId: { type: 'string' },
            '1bad': { type: 'string' },
          },
        },
        output: {
          type: 'object',
          properties: {
            customerId: { type: 'string' },
            tier: { $ref: '#/definitions/tier' },
            matrix: { type: 'array', items: { type: 'array', items: { type: 'integer' } } },
            'a.b': { type: 'string' },
          },
        },
      }),
    );
    expect(findings.map((f) => [f.code, f.path])).toEqual(
      expect.arrayContaining([
        ['lint.contract.ref', "$.contract.output.successSchema.properties.tier['$ref']"],
        ['lint.contract.nested-array', '$.contract.output.successSchema.properties.matrix.items'],
        ['lint.contract.output-dotted-key', "$.contract.output.successSchema.properties['a.b']"],
        ['lint.contract.input-not-flat', '$.contract.input.inputSchema.properties.address'],
        ['lint.contract.input-reserved', '$.contract.input.inputSchema.properties.orgId'],
        ['lint.contract.input-name', "$.contract.input.inputSchema.properties['1bad']"],
      ]),
    );
    expect(findings).toHaveLength(6);
  });

  it('lint.contract.output-missing, except on custom-auth actions', () => {
    expect(
      codes(
        lint(
          definition({
            output: null,
            response: { translationMap: {}, translationMapDefaults: {}, successTemplate: '${rawResult}' },
          }),
        ),
      ),
    ).toEqual(['lint.contract.output-missing']);
    expect(
      lint(
        definition({
          actionType: 'customAuth',
          output: null,
          response: { translationMap: {}, translationMapDefaults: {}, successTemplate: '${rawResult}' },
        }),
      ),
    ).toEqual([]);
  });

  it('lint.config.timeout-custom-auth warns on a custom-auth action with a timeout', () => {
    expect(lint(definition({ timeoutSeconds: 30 }))).toEqual([]);
    expect(codes(lint(definition({ timeoutSeconds: 30, actionType: 'customAuth' })))).toEqual([
      'lint.config.timeout-custom-auth',
    ]);
  });

  it('lint.request.invalid-json, lint.template.stray-brace, lint.template.method-outside-reference', () => {
    const post = (requestTemplate: string, requestUrlTemplate = 'https://crm.example.com/c'): LintFinding[] =>
      lint(
        definition({
          request: {
            requestType: 'POST',
            requestUrlTemplate,
            headers: { 'Content-Type': 'application/json' },
            requestTemplate,
          },
        }),
      );
    expect(codes(post('{"phone": "${input.phone}"}}'))).toEqual(['lint.request.invalid-json']);
    expect(codes(post('{"phone": "$!{input.phone}}"}'))).toEqual(['lint.template.stray-brace']);
    // a JSON fragment spliced in on purpose ("key": "value" pairs in a string input) is fine
    expect(post('{"data": { ${input.phone} }}')).toEqual([]);
    expect(post('{"phone": "$esc.jsonString(${input.phone})"}')).toEqual([]);
    const method = lint(
      definition({ request: { requestUrlTemplate: "https://crm.example.com/c/${input.phone}.replace(' ', '%20')" } }),
    );
    expect(method).toEqual([
      expect.objectContaining({
        code: 'lint.template.method-outside-reference',
        path: '$.config.request.requestUrlTemplate',
      }),
    ]);
  });

  it("velocity.syntax and translation.jsonpath.syntax: the engine's own codes for a broken template or JSONPath", () => {
    expect(
      codes(lint(definition({ request: { requestUrlTemplate: 'https://crm.example.com/c/#if($input.phone)x' } }))),
    ).toContain('velocity.syntax');
    expect(codes(lint(definition({ response: { translationMap: { customerId: '$.[[id', tier: '$.tier' } } })))).toEqual(
      ['translation.jsonpath.syntax'],
    );
  });
});

describe('lint.input.optional-unguarded (info, with { info: true })', () => {
  const input = {
    type: 'object',
    required: ['id'],
    properties: { id: { type: 'string' }, Domain: { type: 'string' } },
  };
  function lintInfo(url: string, headers: Json = {}): LintFinding[] {
    const parsed = parseDefinitionFile(
      'data-actions/crm/lookup.json',
      JSON.stringify(definition({ input, request: { requestUrlTemplate: url, headers } })),
    );
    expect(parsed.errors).toEqual([]);
    return flat(lintAction(parsed.actions[0]!, { info: true })).filter(
      (f) => f.code === 'lint.input.optional-unguarded',
    );
  }

  it('fires on an optional input rendered unguarded in the URL, with the template path, position and fix', () => {
    expect(lintInfo('https://${input.Domain}.example.com/customers/${input.id}')).toEqual([
      {
        code: 'lint.input.optional-unguarded',
        severity: 'info',
        message:
          'requestUrlTemplate renders ${input.Domain}, but "Domain" is not in the input contract\'s required list: when the flow leaves it out, the request fails (Genesys renders with strict references).',
        file: 'data-actions/crm/lookup.json',
        path: '$.config.request.requestUrlTemplate',
        fix: 'Make "Domain" required in the input contract, use $!{input.Domain}, or wrap it in #if($input.Domain).',
        action: 'Lookup Customer',
        line: 1,
        column: 9,
      },
    ]);
  });

  it('fires in a header too, and when the input schema lists no required inputs at all', () => {
    const found = lintInfo('https://crm.example.com/customers/${input.id}', { 'X-Domain': '${input.Domain}' });
    expect(found.map((f) => f.path)).toEqual(["$.config.request.headers['X-Domain']"]);
    const parsed = parseDefinitionFile(
      'data-actions/crm/lookup.json',
      JSON.stringify(
        definition({
          input: { type: 'object', properties: { id: { type: 'string' } } },
          request: { requestUrlTemplate: 'https://crm.example.com/c/${input.id}' },
        }),
      ),
    );
    expect(
      lintAction(parsed.actions[0]!, { info: true })
        .filter((f) => f.code === 'lint.input.optional-unguarded')
        .map((f) => f.message),
    ).toEqual([
      'requestUrlTemplate renders ${input.id}, but "id" is not in the input contract\'s required list: when the flow leaves it out, the request fails (Genesys renders with strict references).',
    ]);
  });

  it('stays quiet on the fixed forms: required, quiet reference, #if guard', () => {
    expect(lintInfo('https://crm.example.com/customers/${input.id}')).toEqual([]);
    expect(lintInfo('https://$!{input.Domain}.example.com/customers/${input.id}')).toEqual([]);
    expect(
      lintInfo('https://crm.example.com/customers/${input.id}#if($input.Domain)?domain=${input.Domain}#end'),
    ).toEqual([]);
    expect(
      lintInfo(
        'https://crm.example.com/customers/${input.id}#if($input.Domain && $input.Domain != "")?domain=${input.Domain}#end',
      ),
    ).toEqual([]);
    const parsed = parseDefinitionFile(
      'data-actions/crm/lookup.json',
      JSON.stringify(
        definition({
          input: { ...input, required: ['id', 'Domain'] },
          request: { requestUrlTemplate: 'https://${input.Domain}.example.com/customers/${input.id}' },
        }),
      ),
    );
    expect(
      lintAction(parsed.actions[0]!, { info: true }).filter((f) => f.code === 'lint.input.optional-unguarded'),
    ).toEqual([]);
  });

  it('a negated or other-input #if is no guard; the #else branch is not guarded', () => {
    expect(lintInfo('https://crm.example.com/c/${input.id}#if(!$input.Domain)?d=${input.Domain}#end')).toHaveLength(1);
    expect(lintInfo('https://crm.example.com/c/${input.id}#if($input.id)?d=${input.Domain}#end')).toHaveLength(1);
    expect(
      lintInfo('https://crm.example.com/c/${input.id}#if($input.Domain)?d=1#else?d=${input.Domain}#end'),
    ).toHaveLength(1);
  });

  it('is off unless asked for (info findings never change the default result)', () => {
    const parsed = parseDefinitionFile(
      'data-actions/crm/lookup.json',
      JSON.stringify(
        definition({ input, request: { requestUrlTemplate: 'https://${input.Domain}.example.com/c/${input.id}' } }),
      ),
    );
    expect(lintAction(parsed.actions[0]!).filter((f) => f.code === 'lint.input.optional-unguarded')).toEqual([]);
  });
});

describe('info findings in the reports', () => {
  it('are labelled info, counted apart from errors and warnings, and never fail the JUnit testcase', () => {
    const parsed = parseDefinitionFile(
      'data-actions/crm/lookup.json',
      JSON.stringify(
        definition({
          request: { requestUrlTemplate: 'https://${input.Domain}.example.com/c/${input.phone}' },
          input: {
            type: 'object',
            required: ['phone'],
            properties: { phone: { type: 'string' }, Domain: { type: 'string' } },
          },
        }),
      ),
    );
    const findings = lintAction(parsed.actions[0]!, { info: true });
    expect(findings.map((f) => f.severity)).toEqual(['info']);
    const result = {
      actions: [{ name: 'Lookup Customer', file: 'data-actions/crm/lookup.json', slug: 'lookup' }],
      findings,
      unparsed: 0,
    };
    const text = formatText(result);
    expect(text).toContain('  info    lint.input.optional-unguarded  $.config.request.requestUrlTemplate:1:9\n');
    expect(text).toContain('1 Data Action(s) linted: 0 error(s), 0 warning(s), 1 info.\n');
    expect((JSON.parse(formatJson(result)) as { summary: unknown }).summary).toEqual({
      actions: 1,
      unparsed: 0,
      errors: 0,
      warnings: 0,
      infos: 1,
    });
    const xml = formatJUnit(result);
    expect(xml).toContain('failures="0"');
    expect(xml).toContain(
      '<system-out>info lint.input.optional-unguarded at data-actions/crm/lookup.json $.config.request.requestUrlTemplate (line 1, column 9)',
    );
  });
});
