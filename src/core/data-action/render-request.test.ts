import { CxpactError } from '../errors';
import type { DataAction, DataActionRequest } from './model';
import { dropNullInputs, renderRequest, requestFieldPath, secretRegex } from './render-request';

function action(request: Partial<DataActionRequest>, extra: Partial<DataAction> = {}): DataAction {
  return {
    name: 'Test Action',
    slug: 'test-action',
    file: 'data-actions/test.json',
    pointer: '$',
    format: 'ui-export',
    secure: false,
    request: { urlTemplate: '/api/v2/x', method: 'GET', headers: {}, bodyTemplate: '${input.rawRequest}', ...request },
    response: { translationMap: {}, translationMapDefaults: {}, successTemplate: '${rawResult}' },
    inputSchema: {
      type: 'object',
      properties: {
        id: { type: 'string' },
        n: { type: 'integer' },
        flag: { type: 'boolean' },
        note: { type: 'string' },
      },
    },
    outputSchema: {},
    ...extra,
  };
}

function caught(fn: () => unknown): CxpactError {
  try {
    fn();
  } catch (e) {
    if (e instanceof CxpactError) return e;
    throw e;
  }
  throw new Error('expected a CxpactError');
}

describe('renderRequest', () => {
  it('renders URL, headers and body with typed inputs', () => {
    const req = renderRequest(
      action({
        method: 'POST',
        urlTemplate: '/api/v2/users/${input.id}?n=$input.n',
        headers: { 'Content-Type': 'application/json', 'X-Id': 'id-${input.id}' },
        bodyTemplate:
          '{"id": "${input.id}", "note": "$esc.jsonString(${input.note})", "n": ${input.n}, "flag": $input.flag}',
      }),
      { id: 'u1', note: 'a"b', n: 3, flag: false },
    );
    expect(req).toEqual({
      method: 'POST',
      url: '/api/v2/users/u1?n=3',
      headers: { 'Content-Type': 'application/json', 'X-Id': 'id-u1' },
      body: '{"id": "u1", "note": "a\\"b", "n": 3, "flag": false}',
      secretHeaders: [],
    });
    expect(JSON.parse(req.body!)).toEqual({ id: 'u1', note: 'a"b', n: 3, flag: false });
  });

  it('drops null inputs first; rawRequest is the JSON of what remains', () => {
    expect(dropNullInputs({ a: 1, b: null, c: undefined, d: '' })).toEqual({ a: 1, d: '' });
    const req = renderRequest(action({ method: 'POST' }), { id: 'x', n: null, note: 'é "q"' });
    expect(req.body).toBe('{"id":"x","note":"é \\"q\\""}');
    expect(() => renderRequest(action({ urlTemplate: '/x/${input.n}' }), { n: null })).toThrow(
      /Reference \$input\.n evaluated to null/,
    );
  });

  it('sends no body for GET, and for DELETE only when a template is defined', () => {
    expect(
      renderRequest(action({ method: 'GET', bodyTemplate: '{"a": "${input.missing}"}' }), {}).body,
    ).toBeUndefined();
    expect(renderRequest(action({ method: 'DELETE' }), { id: 'x' }).body).toBeUndefined();
    expect(renderRequest(action({ method: 'DELETE', bodyTemplate: '{"id": "${input.id}"}' }), { id: 'x' }).body).toBe(
      '{"id": "x"}',
    );
    expect(renderRequest(action({ method: 'PUT', bodyTemplate: '' }), { id: 'x' }).body).toBe('{"id":"x"}');
  });

  it('renders nested input objects and arrays', () => {
    const req = renderRequest(
      action({ method: 'POST', bodyTemplate: '${input.obj.a}|${input.list[1]}|$input.list.size()|$input.obj' }),
      { obj: { a: 'A', b: 2 }, list: ['x', 'y'] },
    );
    expect(req.body).toBe('A|y|2|{a=A, b=2}');
  });

  it('does not let a template change the caller input', () => {
    const input = { obj: { a: 'A' } };
    renderRequest(action({ method: 'POST', bodyTemplate: '#set($input.obj.a = "changed")$input.obj.a' }), input);
    expect(input.obj.a).toBe('A');
  });

  it('renders credentials as placeholders with a regex per secret header, never a value', () => {
    const req = renderRequest(
      action({
        method: 'POST',
        urlTemplate: '${credentials.loginUrl}',
        headers: {
          Authorization: 'Bearer ${authResponse.access_token}',
          'X-Basic': 'Basic $encoding.base64("${credentials.clientId}:${credentials.clientSecret}")',
          'X-Plain': 'static (1.0)',
        },
        bodyTemplate: 'scope=${credentials.scope}&grant_type=client_credentials',
      }),
      {},
    );
    expect(req.url).toBe('{{credentials.loginUrl}}');
    expect(req.headers).toEqual({
      Authorization: 'Bearer {{authResponse.access_token}}',
      'X-Basic': 'Basic {{base64(credentials.clientId:credentials.clientSecret)}}',
      'X-Plain': 'static (1.0)',
    });
    expect(req.secretHeaders).toEqual([
      { header: 'Authorization', value: 'Bearer {{authResponse.access_token}}', regex: '^Bearer .+$' },
      {
        header: 'X-Basic',
        value: 'Basic {{base64(credentials.clientId:credentials.clientSecret)}}',
        regex: '^Basic .+$',
      },
    ]);
    expect(req.secretParts).toEqual([
      { part: 'url', value: '{{credentials.loginUrl}}', regex: '^.+$' },
      {
        part: 'body',
        value: 'scope={{credentials.scope}}&grant_type=client_credentials',
        regex: '^scope=.+&grant_type=client_credentials$',
      },
    ]);
    expect(new RegExp(req.secretHeaders[0]!.regex).test('Bearer eyJhbGciOi.x.y')).toBe(true);
    expect(new RegExp(req.secretHeaders[0]!.regex).test('Basic abc')).toBe(false);
  });

  it('escapes literal parts of a secret regex', () => {
    expect(
      secretRegex([
        { text: 'a.b (c) $', secret: false },
        { text: '{{x}}', secret: true },
        { text: '{{y}}', secret: true },
        { text: '?', secret: false },
      ]),
    ).toBe('^a\\.b \\(c\\) \\$.+\\?$');
  });

  it('names the file, the field and the fix for an input missing from the case', () => {
    const e = caught(() => renderRequest(action({ urlTemplate: '/api/v2/users/${input.id}' }), {}));
    expect(e.code).toBe('velocity.null-reference');
    expect(e.message).toBe(
      "Data Action 'Test Action': Reference $input.id evaluated to null when attempting to render (no key 'id' in $input) at requestUrlTemplate[line 1, column 15]",
    );
    expect(e.file).toBe('data-actions/test.json');
    expect(e.path).toBe('$.config.request.requestUrlTemplate');
    expect(e.fix).toBe(
      'input id is used by the template but missing from the case inputs; add it or use $!{input.id} (line 1, column 15 of requestUrlTemplate)',
    );
  });

  it('says when the template uses an input the contract does not declare, or declares with another case', () => {
    const undeclared = caught(() =>
      renderRequest(action({ method: 'POST', bodyTemplate: '{"x": "${input.other}"}' }), {}),
    );
    expect(undeclared.path).toBe('$.config.request.requestTemplate');
    expect(undeclared.fix).toContain('and declare it in contract.input.inputSchema');
    const wrongCase = caught(() => renderRequest(action({ urlTemplate: '/x/${input.ID}' }), { id: 'a' }));
    expect(wrongCase.fix).toContain(
      "input names are case-sensitive: the contract declares 'id', the template uses 'ID'",
    );
  });

  it('explains the reserved inputs Genesys fills itself', () => {
    const e = caught(() => renderRequest(action({ urlTemplate: '/api/v2/orgs/${input.orgId}' }), {}));
    expect(e.fix).toContain('Genesys fills input.orgId itself (a reserved input); give the case a value for orgId');
    expect(renderRequest(action({ urlTemplate: '/api/v2/orgs/${input.orgId}' }), { orgId: 'o1' }).url).toBe(
      '/api/v2/orgs/o1',
    );
  });

  it('suggests the right case for $Input and explains other undefined names', () => {
    const e = caught(() => renderRequest(action({ headers: { 'X-Id': '${Input.id}' } }), { id: 'a' }));
    expect(e.code).toBe('velocity.undefined-reference');
    expect(e.message).toContain('Variable $Input has not been set at headers.X-Id[line 1, column 1]');
    expect(e.path).toBe("$.config.request.headers['X-Id']");
    expect(e.fix).toContain('references are case-sensitive: write $input instead of $Input');
    const bare = caught(() => renderRequest(action({ urlTemplate: '/x/$id' }), { id: 'a' }));
    expect(bare.fix).toContain('inputs are under $input: write ${input.id} instead of $id');
    const other = caught(() => renderRequest(action({ urlTemplate: '/x/$nothing' }), {}));
    expect(other.fix).toContain('$nothing does not exist in a request template; the context has $input, $credentials');
  });

  it('reports Velocity syntax errors with the field path', () => {
    const e = caught(() =>
      renderRequest(action({ method: 'POST', bodyTemplate: '{\n"a": "${input.id"\n}' }), { id: 'x' }),
    );
    expect(e.code).toBe('velocity.syntax');
    expect(e.message).toContain('at requestTemplate[line 2, column');
    expect(e.path).toBe('$.config.request.requestTemplate');
    expect(e.fix).toContain('Fix the Velocity syntax at line 2');
  });

  it('rejects a rendered URL with a space or other characters Genesys sends unescaped', () => {
    const e = caught(() => renderRequest(action({ urlTemplate: '/api/v2/x?q=${input.id}' }), { id: 'John Smith' }));
    expect(e.code).toBe('data-action.request.url-invalid');
    expect(e.message).toContain('the rendered URL holds a space at character 17: /api/v2/x?q=John Smith');
    expect(e.fix).toContain('$esc.url(');
    expect(renderRequest(action({ urlTemplate: '/api/v2/x?q=$esc.url(${input.id})' }), { id: 'John Smith' }).url).toBe(
      '/api/v2/x?q=John+Smith',
    );
    expect(renderRequest(action({ urlTemplate: '/x?q=${input.id}' }), { id: 'a b' }, { checkUrl: false }).url).toBe(
      '/x?q=a b',
    );
    expect(caught(() => renderRequest(action({ urlTemplate: '$!{input.none}' }), {})).code).toBe(
      'data-action.request.url-empty',
    );
    expect(caught(() => renderRequest(action({ urlTemplate: '/api/v2/users/{userId}' }), {})).message).toContain(
      'the rendered URL holds "{" at character 15',
    );
    expect(renderRequest(action({ urlTemplate: '/api/{{TF:var.path}}/x' }), {}).url).toBe('/api/{{TF:var.path}}/x');
  });

  it('renders null references as their text when strict is off', () => {
    const a = action({ method: 'POST', urlTemplate: '/x/${input.id}', bodyTemplate: '{"id": "${input.id}"}' });
    expect(renderRequest(a, {}, { strict: false, checkUrl: false })).toMatchObject({
      url: '/x/${input.id}',
      body: '{"id": "${input.id}"}',
    });
    // The literal reference text leaking into a URL is what makes the Genesys request fail.
    expect(caught(() => renderRequest(a, {}, { strict: false })).message).toContain(
      'the rendered URL holds "{" at character 5: /x/${input.id}',
    );
  });

  it('the #if optional-field idiom renders optional inputs only when given', () => {
    const a = action({
      method: 'POST',
      bodyTemplate:
        '{\n  "id": "${input.id}"\n#if("$!{input.note}" != "")\n  ,"note": "$esc.jsonString($input.note)"\n#end\n}',
    });
    expect(JSON.parse(renderRequest(a, { id: '1' }).body!)).toEqual({ id: '1' });
    expect(JSON.parse(renderRequest(a, { id: '1', note: 'a\nb' }).body!)).toEqual({ id: '1', note: 'a\nb' });
  });

  it('builds field paths for Terraform-parsed actions and odd header names', () => {
    const tf = action({}, { format: 'terraform', pointer: 'genesyscloud_integration_action.get_user' });
    expect(requestFieldPath(tf, { kind: 'url' })).toBe(
      'genesyscloud_integration_action.get_user.config_request.request_url_template',
    );
    expect(requestFieldPath(tf, { kind: 'header', name: 'Content-Type' })).toBe(
      "genesyscloud_integration_action.get_user.config_request.headers['Content-Type']",
    );
    expect(requestFieldPath(action({}), { kind: 'body' })).toBe('$.config.request.requestTemplate');
  });
});
