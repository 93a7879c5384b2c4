import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseDefinitionFile } from './parse';
import { translateResponse } from './translate-response';
import { validateOutput } from './validate';
import { parseHcl } from './terraform';
import type { DataAction } from './model';

const FIX = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'terraform');
const CORPUS = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'corpus', 'data-actions');

async function parseFile(file: string): Promise<ReturnType<typeof parseDefinitionFile>> {
  return parseDefinitionFile(file, await fs.readFile(file, 'utf8'));
}

/** The parts that must agree between a .tf resource and the corpus' rebuilt JSON of the same resource. */
function essence(a: DataAction): unknown {
  return {
    name: a.name,
    secure: a.secure,
    timeoutSeconds: a.timeoutSeconds,
    request: a.request,
    response: a.response,
    inputSchema: a.inputSchema,
    outputSchema: a.outputSchema,
  };
}

describe('HCL subset', () => {
  test('strings, escapes, $${ and %%{ unescaping, interpolation placeholders', () => {
    const body = parseHcl(
      't.tf',
      [
        'a = "x\\ny\\t\\"q\\" \\\\ \\u00e9"',
        'b = "$${input.x} %%{ if } ${var.y} %{ if true }z%{ endif }"',
        'c = 12.5',
        'd = true',
        'e = null',
        'f = [1, "two", [false]]',
        'g = { k = "v", "q-k" = 1, m: 2 }',
        'h = var.thing',
        'i = module.m.out[0].id',
        'j = jsonencode({ z = 1, a = [true, "s"] })',
        'k = format("%s", var.x)',
        'l = var.a ? "x" : "y"',
        'm = -3',
        '# comment',
        '// comment',
        '/* block */ n = "after comment"',
      ].join('\n'),
    );
    expect(body.attributes).toEqual({
      a: 'x\ny\t"q" \\ é',
      b: '${input.x} %{ if } {{TF:var.y}} {{TF:%{if true}}}z{{TF:%{endif}}}',
      c: 12.5,
      d: true,
      e: null,
      f: [1, 'two', [false]],
      g: { k: 'v', 'q-k': 1, m: 2 },
      h: '{{TF:var.thing}}',
      i: '{{TF:module.m.out[0].id}}',
      j: '{"a":[true,"s"],"z":1}',
      k: '{{TF:format("%s", var.x)}}',
      l: '{{TF:var.a ? "x" : "y"}}',
      m: -3,
      n: 'after comment',
    });
  });

  test('heredocs: <<EOF keeps indentation, <<-EOF strips the common indent; both unescape $${', () => {
    const body = parseHcl(
      't.tf',
      ['x = <<EOF', '  {"a": $${v}}', 'EOF', 'y = <<-EOT', '    line1', '      line2', '    EOT', 'z = 1'].join('\n'),
    );
    expect(body.attributes).toEqual({ x: '  {"a": ${v}}\n', y: 'line1\n  line2\n', z: 1 });
  });

  test('blocks with labels and nested blocks', () => {
    const body = parseHcl('t.tf', 'resource "a" "b" {\n  x = 1\n  inner {\n    y = "z"\n  }\n}\n');
    expect(body.blocks).toHaveLength(1);
    expect(body.blocks[0]).toMatchObject({
      type: 'resource',
      labels: ['a', 'b'],
      body: { attributes: { x: 1 }, blocks: [{ type: 'inner', labels: [], body: { attributes: { y: 'z' } } }] },
    });
  });

  test('real-world expressions become placeholders: for, conditionals, splats, unary, templates with directives', () => {
    const body = parseHcl(
      'c.tf',
      [
        'a = [for n in var.names : upper(n) if n != ""]',
        'b = { for k, v in var.map : k => v... }',
        'c = var.env == "prod" ? 1 : 0',
        'd = !var.flag',
        'e = (var.a + 2) * 3',
        'f = aws_instance.web[*].id',
        'g = var.m["key"].x',
        'h = "a-${var.x}-b ${join(",", var.l)}"',
      ].join('\n'),
    );
    expect(body.attributes).toEqual({
      a: '{{TF:[for n in var.names : upper(n) if n != ""]}}',
      b: '{{TF:{ for k, v in var.map : k => v... }}}',
      c: '{{TF:var.env == "prod" ? 1 : 0}}',
      d: '{{TF:!var.flag}}',
      e: '{{TF:(var.a + 2) * 3}}',
      f: '{{TF:aws_instance.web[*].id}}',
      g: '{{TF:var.m["key"].x}}',
      h: 'a-{{TF:var.x}}-b {{TF:join(",", var.l)}}',
    });
  });

  test('a map given as an expression is reported as unresolvable; a .tf without actions never fails', () => {
    const r = parseDefinitionFile(
      'm/h.tf',
      [
        'resource "genesyscloud_integration_action" "h" {',
        '  name = "H"',
        '  category = "C"',
        '  integration_id = var.id',
        '  contract_input = jsonencode({ type = "object" })',
        '  contract_output = jsonencode({ type = "object" })',
        '  config_request {',
        '    request_type = "GET"',
        '    request_url_template = "/x"',
        '    headers = merge(local.h, { "X-A" = "1" })',
        '  }',
        '}',
      ].join('\n'),
    );
    expect(r.errors.map((e) => [e.code, e.path])).toEqual([
      ['data-action.terraform.unresolved', 'genesyscloud_integration_action.h.config_request.headers'],
    ]);
    expect(
      parseDefinitionFile(
        'variables.tf',
        'variable "x" {\n  validation { condition = can(regex("^a", var.x)) ~~~ }\n}\n',
      ),
    ).toEqual({ actions: [], errors: [] });
  });

  test('syntax errors name file, line and column', () => {
    const r = parseDefinitionFile(
      'mod/bad.tf',
      'resource "genesyscloud_integration_action" "x" {\n  name = "unterminated\n}\n',
    );
    expect(r.actions).toEqual([]);
    expect(r.errors[0]!.code).toBe('data-action.hcl.malformed');
    expect(r.errors[0]!.message).toMatch(/^mod\/bad\.tf:2:10: .*unterminated string/);
    expect(r.errors[0]!.file).toBe('mod/bad.tf');
  });

  test('a \\U escape beyond Unicode is a syntax error with its position, not a crash', () => {
    const r = parseDefinitionFile(
      'mod/esc.tf',
      'resource "genesyscloud_integration_action" "x" {\n  name = "a\\UFFFFFFFF"\n}\n',
    );
    expect(r.actions).toEqual([]);
    expect(r.errors[0]!.code).toBe('data-action.hcl.malformed');
    expect(r.errors[0]!.message).toMatch(/^mod\/esc\.tf:2:\d+: .*\\UFFFFFFFF is not a Unicode code point/);
  });
});

describe('Terraform resources -> DataAction', () => {
  test('the provider example equals the corpus rebuild of the same resource', async () => {
    const tf = await parseFile(path.join(FIX, 'provider-examples', 'integration_action.tf'));
    const corpus = await parseFile(path.join(CORPUS, 'terraform-provider-genesyscloud__example_action.from-tf.json'));
    expect(tf.errors).toEqual([]);
    expect(tf.actions).toHaveLength(1);
    const a = tf.actions[0];
    expect(a).toMatchObject({
      slug: 'example_action',
      pointer: 'genesyscloud_integration_action.example_action',
      format: 'terraform',
      secure: true,
      timeoutSeconds: 20,
    });
    expect(essence(a!)).toEqual(essence(corpus.actions[0]!));
  });

  test('the survey-sms module equals its corpus rebuild (incl. the $$.id bug)', async () => {
    const tf = await parseFile(path.join(FIX, 'survey-sms-delivery', 'main.tf'));
    const corpus = await parseFile(path.join(CORPUS, 'survey-sms-delivery-blueprint__action.from-tf.json'));
    expect(tf.errors).toEqual([]);
    expect(tf.actions.map((a) => a.pointer)).toEqual(['genesyscloud_integration_action.action']);
    expect(tf.actions[0]!.category).toBe('{{TF:module.integration.integration_name}}');
    expect(essence(tf.actions[0]!)).toEqual(essence(corpus.actions[0]!));
    expect(tf.actions[0]!.response.translationMap).toEqual({ id: '$$.id' });
  });

  test('custom auth action: actionType customAuth, open contract, template headers', async () => {
    const tf = await parseFile(path.join(FIX, 'provider-examples', 'integration_custom_auth_action.tf'));
    expect(tf.errors).toEqual([]);
    const a = tf.actions[0];
    expect(a).toMatchObject({
      actionType: 'customAuth',
      slug: 'example-custom-auth-action',
      pointer: 'genesyscloud_integration_custom_auth_action.example-custom-auth-action',
    });
    expect(a!.request.headers['Authorization']).toBe(
      'Basic $encoding.base64("${credentials.clientId}:${credentials.clientSecret}")',
    );
    expect(a!.request.urlTemplate).toBe('${credentials.loginUrl}');
    expect(a!.outputSchema).toMatchObject({ type: 'object' });
  });

  test('a module with several actions: one DataAction each, pointer = resource address, slug = resource name', async () => {
    const tf = await parseFile(path.join(FIX, 'cx-as-code-crm', 'data-actions.tf'));
    expect(tf.errors).toEqual([]);
    expect(tf.actions.map((a) => [a.slug, a.pointer])).toEqual([
      ['get_customer_summary', 'genesyscloud_integration_action.get_customer_summary'],
      ['create_case', 'genesyscloud_integration_action.create_case'],
      ['lookup_by_phone', 'genesyscloud_integration_action_draft.lookup_by_phone'],
    ]);
    const [summary, createCase, lookup] = tf.actions;
    expect(summary!.request.urlTemplate).toBe(
      '{{TF:var.crm_base_url}}/customers/${input.customerId}?tickets=${input.includeTickets}',
    );
    expect(summary!.response.translationMapDefaults).toEqual({ tier: '"standard"', openTickets: '0' });
    expect(summary!.response.successTemplate).toBe(
      '{\n  "name": ${name},\n  "tier": ${tier},\n  "openTickets": ${openTickets},\n  "ticketIds": ${ticketIds}\n}\n',
    );
    expect(summary!.inputSchema).toEqual({
      additionalProperties: true,
      properties: {
        customerId: { description: 'CRM customer id', type: 'string' },
        includeTickets: { default: false, type: 'boolean' },
      },
      required: ['customerId'],
      type: 'object',
    });
    expect(createCase!.inputSchema).toMatchObject({ required: ['customerId', 'subject'] });
    expect(createCase!.request.bodyTemplate).toContain('"note": "100%% sure, literal %{ kept"');
    expect(createCase!.request.bodyTemplate).toContain('#if(${input.priority})');
    expect(lookup).toMatchObject({
      secure: true,
      outputSchema: { type: 'array' },
      response: { successTemplate: '${rawResult}' },
    });
    expect(lookup!.inputSchema).toEqual({
      type: 'object',
      properties: { phone: { type: 'string', pattern: '^\\+[0-9]{6,15}$' } },
    });
  });

  test('.tf.json parses to the same action as the .tf', async () => {
    const tf = await parseFile(path.join(FIX, 'cx-as-code-crm', 'data-actions.tf'));
    const json = await parseFile(path.join(FIX, 'cx-as-code-json', 'actions.tf.json'));
    expect(json.errors).toEqual([]);
    expect(json.actions).toHaveLength(1);
    expect(json.actions[0]).toMatchObject({
      format: 'terraform-json',
      pointer: 'genesyscloud_integration_action.get_customer_summary',
      category: '{{TF:var.integration_name}}',
    });
    expect(essence(json.actions[0]!)).toEqual(essence(tf.actions[0]!));
  });

  test('.tf.json: "${jsonencode(...)}" contracts resolve, references stay placeholders', () => {
    const doc = {
      resource: {
        genesyscloud_integration_action: {
          j: {
            name: 'J',
            category: '${var.cat}',
            integration_id: '${genesyscloud_integration.x.id}',
            contract_input: '${jsonencode({ type = "object", properties = { id = { type = "string" } } })}',
            contract_output: '${jsonencode({ type = "object" })}',
            config_request: { request_type: 'GET', request_url_template: '/x/$${input.id}' },
            config_response: { success_template: '$${rawResult}' },
          },
        },
      },
    };
    const r = parseDefinitionFile('m/j.tf.json', JSON.stringify(doc));
    expect(r.errors).toEqual([]);
    expect(r.actions[0]).toMatchObject({
      category: '{{TF:var.cat}}',
      inputSchema: { properties: { id: { type: 'string' } }, type: 'object' },
      request: { urlTemplate: '/x/${input.id}' },
      response: { successTemplate: '${rawResult}' },
    });
  });

  test('errors point at Terraform attributes', () => {
    const r = parseDefinitionFile(
      'm/a.tf',
      [
        'resource "genesyscloud_integration_action" "broken" {',
        '  name = "Broken"',
        '  contract_input = var.schema',
        '  contract_output = "{not json"',
        '  config_request {',
        '    request_type = "FETCH"',
        '    request_url_template = "/x"',
        '  }',
        '}',
      ].join('\n'),
    );
    expect(r.actions).toEqual([]);
    expect(r.errors.map((e) => [e.code, e.path])).toEqual([
      ['data-action.contract.unresolved', 'genesyscloud_integration_action.broken.contract_input'],
      ['data-action.json.malformed', 'genesyscloud_integration_action.broken.contract_output'],
      ['data-action.field.invalid', 'genesyscloud_integration_action.broken.config_request.request_type'],
    ]);
    expect(r.errors.every((e) => e.file === 'm/a.tf' && (e.fix ?? '').length > 0)).toBe(true);
  });
});

describe('Terraform actions end to end', () => {
  test('get_customer_summary translates a CRM response into a valid output; the HCL number default works', async () => {
    const [a] = (await parseFile(path.join(FIX, 'cx-as-code-crm', 'data-actions.tf'))).actions;
    const full = translateResponse(a!, {
      status: 200,
      headers: {},
      body: {
        customer: { name: 'Ann', 'loyalty-tier': 'gold' },
        tickets: [
          { id: 't1', status: 'open' },
          { id: 't2', status: 'closed' },
        ],
      },
    });
    expect(full.errors).toEqual([]);
    expect(full.output).toEqual({ name: 'Ann', tier: 'gold', openTickets: 2, ticketIds: ['t1'] });
    expect(validateOutput(a!, full.output)).toEqual([]);
    const sparse = translateResponse(a!, { status: 200, headers: {}, body: { customer: { name: 'Bob' } } });
    expect(sparse.errors.map((e) => e.code)).toEqual(['translation.path.not-found']);
    expect(sparse.errors[0]!.message).toContain('"ticketIds"');
    expect(sparse.errors[0]!.path).toBe(
      'genesyscloud_integration_action.get_customer_summary.config_response.translation_map.ticketIds',
    );
  });
});
