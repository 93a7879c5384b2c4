// Deterministic mutants of real Data Action definitions for the fuzz test: every kind of hostile input issue 11
// names (malformed JSON and fields, Velocity and JSONPath errors, unicode, catastrophic regexes, huge loops, JSONata
// recursion, deep nesting, huge strings, many headers, big enums). Seeded, so a failure reproduces.
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
export const CORPUS_DIR = path.join(ROOT, 'test', 'fixtures', 'corpus', 'data-actions');
export const GOOD_DIR = path.join(ROOT, 'data-actions', 'crm-customer-api');

export interface Mutant {
  /** File name in the mutants folder (unique). */
  file: string;
  category: string;
  /** The definition file's content. */
  content: string;
  /** A cases file beside it (`<slug>.cases.json`): JSON, or its text when too deep for JSON.stringify. */
  cases?: unknown;
  /** A sibling `.jsonata` file. */
  jsonata?: string;
  /** `cxpact run` input and raw response for this mutant (JSON, or JSON text when too deep for JSON.stringify). */
  input: Record<string, unknown> | string;
  response?: { status: number; headers: Record<string, string>; body: unknown } | string;
  /** The mutant must be refused (an error naming the file) by run, lint and consumer alike. */
  refused: boolean;
}

/** mulberry32: a small, fast, seedable PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Json = Record<string, unknown>;

const LOOKUP_INPUT = { phoneNumber: '+15551234567' };
const LOOKUP_BODY = {
  customer: { customerId: 'C-1', fullName: 'Ada', tier: 'gold', openTickets: 2, flags: { blacklisted: false } },
};
const RESPONSE = { status: 200, headers: { 'Content-Type': 'application/json' }, body: LOOKUP_BODY };

function lookup(): Json {
  return JSON.parse(fs.readFileSync(path.join(GOOD_DIR, 'lookup-customer-by-phone.json'), 'utf8')) as Json;
}

function lookupCases(body: unknown = LOOKUP_BODY): unknown {
  return {
    cases: [
      {
        name: 'found',
        description: 'a lookup',
        providerState: { name: 'a customer exists' },
        input: LOOKUP_INPUT,
        response: { status: 200, headers: { 'Content-Type': 'application/json' }, body },
      },
    ],
  };
}

function cfg(def: Json): Json {
  return def['config'] as Json;
}

/** A deep JSON value: `levels` nested arrays (as text, without recursion). */
function deepArrayText(levels: number, closed: boolean): string {
  return '['.repeat(levels) + (closed ? ']'.repeat(levels) : '');
}

/** The mutants: `count` generic mutations of corpus files plus every targeted hostile case. */
export function buildMutants(seed: number, generic = 240): Mutant[] {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const corpus = fs
    .readdirSync(CORPUS_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ name: f, text: fs.readFileSync(path.join(CORPUS_DIR, f), 'utf8') }));
  const out: Mutant[] = [];
  let n = 0;
  const add = (category: string, content: string, extra: Partial<Mutant> = {}): void => {
    out.push({
      file: `m${String(n++).padStart(3, '0')}-${category}.json`,
      category,
      content,
      input: {},
      refused: false,
      ...extra,
    });
  };

  // ---- generic mutations of real definitions (clean errors expected, never a crash) ----
  const categories = [
    'truncated',
    'wrong-type',
    'velocity-unbalanced',
    'jsonpath-invalid',
    'unicode',
    'field-deleted',
    'bom-nul',
  ] as const;
  for (let i = 0; i < generic; i++) {
    const base = pick(corpus);
    const category = categories[i % categories.length] as (typeof categories)[number];
    const json = JSON.parse(base.text.replace(/^\uFEFF/, '')) as Json;
    const config = (json['config'] ?? {}) as Json;
    const request = (config['request'] ?? {}) as Json;
    const response = (config['response'] ?? {}) as Json;
    switch (category) {
      case 'truncated': {
        const cut = 1 + Math.floor(rnd() * (base.text.length - 2));
        add(category, base.text.slice(0, cut), { refused: true });
        break;
      }
      case 'wrong-type': {
        const values = [42, true, null, [], {}, 'text', -1.5];
        const targets: [Json, string][] = [
          [json, 'name'],
          [json, 'config'],
          [json, 'contract'],
          [config, 'request'],
          [request, 'requestType'],
          [request, 'headers'],
          [request, 'requestUrlTemplate'],
          [response, 'translationMap'],
          [response, 'successTemplate'],
          [config, 'timeoutSeconds'],
        ];
        const [obj, key] = pick(targets);
        obj[key] = pick(values);
        add(category, JSON.stringify(json, null, 2));
        break;
      }
      case 'velocity-unbalanced': {
        const breakers = [
          '#if($input.x',
          '#foreach($i in $input.list)',
          '${input.',
          '#end',
          '#set($x = )',
          '$!{',
          '#else',
          '#macro(m)',
        ];
        const fields = ['requestUrlTemplate', 'requestTemplate'];
        const f = pick(fields);
        request[f] = `${String(request[f] ?? '')}${pick(breakers)}`;
        if (rnd() < 0.5)
          response['successTemplate'] = `${String(response['successTemplate'] ?? '${rawResult}')}${pick(breakers)}`;
        config['request'] = request;
        config['response'] = response;
        json['config'] = config;
        add(category, JSON.stringify(json, null, 2));
        break;
      }
      case 'jsonpath-invalid': {
        const broken = [
          '$.a[',
          '$..',
          '$.a[?(@.b ==)]',
          '$[?(',
          '$.a[1:2:3:4]',
          '$.a.unknownFn()',
          '$.a[?(@.x =~ /(/)]',
          "$['unterminated",
          '$.a[?(@.b && )]',
          '',
        ];
        const map = { ...((response['translationMap'] ?? {}) as Json) };
        map['fuzzed'] = pick(broken);
        response['translationMap'] = map;
        config['response'] = response;
        json['config'] = config;
        add(category, JSON.stringify(json, null, 2));
        break;
      }
      case 'unicode': {
        const weird = ['\u0000', '\uD800', '\uFEFF', '🎉', '\u202E', 'é\u0301', '\u2028', '\\'];
        json['name'] = `${String(json['name'] ?? 'x')}${pick(weird)}${pick(weird)}`;
        request['requestUrlTemplate'] = `${String(request['requestUrlTemplate'] ?? '')}${pick(weird)}`;
        config['request'] = request;
        json['config'] = config;
        add(category, JSON.stringify(json, null, 2));
        break;
      }
      case 'field-deleted': {
        const paths: (() => void)[] = [
          () => delete json['config'],
          () => delete json['contract'],
          () => delete json['name'],
          () => delete request['requestUrlTemplate'],
          () => delete request['requestType'],
          () => delete (json['contract'] as Json | undefined)?.['output'],
        ];
        pick(paths)();
        add(category, JSON.stringify(json, null, 2));
        break;
      }
      case 'bom-nul': {
        const variants = [
          `\uFEFF${base.text}`,
          `${base.text}\u0000`,
          base.text.replace(/"name"/, '"na\u0000me"'),
          `\uFEFF\uFEFF${base.text}`,
          base.text.replace(/\n/g, '\r\n'),
        ];
        add(category, pick(variants));
        break;
      }
    }
  }

  // ---- catastrophic regexes (issue 11: a 41-character value) ----
  const evil = `${'a'.repeat(40)}b`;
  const evilBody = { customer: { ...LOOKUP_BODY.customer, items: [{ name: evil, id: 7 }], fullName: evil } };
  for (const pattern of ['(a+)+$', '(a|aa)+$', '(a*)*b$', '(\\w+\\s?)+$', '([a-z]+)*$']) {
    const jp = lookup();
    const rm = cfg(jp)['response'] as Json;
    (rm['translationMap'] as Json)['fuzzedId'] = `$.customer.items[?(@.name =~ /${pattern}/)].id`;
    add('regex-jsonpath', JSON.stringify(jp), {
      cases: lookupCases(evilBody),
      input: LOOKUP_INPUT,
      response: { ...RESPONSE, body: evilBody },
    });

    const vt = lookup();
    const rv = cfg(vt)['response'] as Json;
    rv['successTemplate'] = String(rv['successTemplate']).replace(
      '"fullName": ${fullName}',
      `"fullName": \${fullName}, "m": #set($s = \${fullName})$s.matches("${pattern.replace(/\\/g, '\\\\')}")`,
    );
    add('regex-velocity-matches', JSON.stringify(vt), {
      cases: lookupCases(evilBody),
      input: LOOKUP_INPUT,
      response: { ...RESPONSE, body: evilBody },
    });

    const vr = lookup();
    (cfg(vr)['request'] as Json)['requestUrlTemplate'] =
      `https://crm.example.com/api/v1/customers?phone=$input.phoneNumber.replaceAll("${pattern.replace(/\\/g, '\\\\')}", "x")&q=$input.phoneNumber.split("${pattern.replace(/\\/g, '\\\\')}").size()`;
    add('regex-velocity-replace', JSON.stringify(vr), {
      cases: { cases: [{ ...(lookupCases() as { cases: Json[] }).cases[0], input: { phoneNumber: evil } }] },
      input: { phoneNumber: evil },
    });

    const sp = lookup();
    const props = (((sp['contract'] as Json)['input'] as Json)['inputSchema'] as Json)['properties'] as Json;
    (props['phoneNumber'] as Json)['pattern'] = pattern;
    add('regex-schema', JSON.stringify(sp), {
      cases: { cases: [{ ...(lookupCases() as { cases: Json[] }).cases[0], input: { phoneNumber: evil } }] },
      input: { phoneNumber: evil },
    });

    const jn = lookup();
    delete (cfg(jn)['response'] as Json)['successTemplate'];
    (cfg(jn)['response'] as Json)['jsonata'] =
      `{"customerId": customer.customerId, "fullName": $string($match(customer.fullName, /${pattern}/).match), "accountTier": customer.tier, "openTickets": customer.openTickets, "isBlacklisted": customer.flags.blacklisted}`;
    add('regex-jsonata', JSON.stringify(jn), {
      cases: lookupCases(evilBody),
      input: LOOKUP_INPUT,
      response: { ...RESPONSE, body: evilBody },
    });
  }

  // ---- huge loops and recursion ----
  const loops = [
    '#foreach($i in [1..1000000])#foreach($j in [1..1000000])x#end#end',
    '#foreach($i in [1..1000000])#foreach($j in [1..1000000])#foreach($k in [1..1000000])#end#end#end',
    '#set($s = "ab")#foreach($i in [1..60])#set($s = "$s$s")#end$s',
    '#set($l = [1])#foreach($i in [1..64])#set($x = $l.addAll($l))#end$l.size()',
    '#macro(r $n)#r($n)#end#r(1)',
    '$input.phoneNumber.repeat(2000000000)',
    '#foreach($i in [1..$input.phoneNumber.length()])#foreach($j in [1..1000000])y#end#end',
  ];
  for (const [i, loop] of loops.entries()) {
    for (const field of ['requestTemplate', 'successTemplate'] as const) {
      const d = lookup();
      if (field === 'requestTemplate') {
        (cfg(d)['request'] as Json)['requestType'] = 'POST';
        (cfg(d)['request'] as Json)['requestTemplate'] = loop;
      } else
        (cfg(d)['response'] as Json)['successTemplate'] =
          `{"customerId": \${customerId}, "x": "${loop.replace(/"/g, "'")}"}`;
      add(`loop-${field}-${i}`, JSON.stringify(d), { cases: lookupCases(), input: LOOKUP_INPUT, response: RESPONSE });
    }
  }
  for (const expr of [
    '($f := function($n){ $f($n + 1) }; $f(1))',
    '($f := function($n){ 1 + $f($n + 1) }; $f(1))',
    '$count([1..10000000].([1..10000000]))',
    '$join([1..10000000].$string(), ",")',
  ]) {
    const d = lookup();
    delete (cfg(d)['response'] as Json)['successTemplate'];
    add('jsonata-runaway', JSON.stringify(d), {
      jsonata: expr,
      cases: lookupCases(),
      input: LOOKUP_INPUT,
      response: RESPONSE,
    });
  }

  // ---- deep nesting ----
  add('deep-unclosed-brackets', deepArrayText(10_000, false), { refused: true });
  add('deep-closed-brackets', deepArrayText(10_000, true), { refused: true });
  add('deep-object', `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`, { refused: true });
  {
    const d = lookup();
    (d['contract'] as Json)['input'] = { inputSchema: '__DEEP__' };
    const deep = `${'{"type":"object","properties":{"x":'.repeat(5_000)}{"type":"string"}${'}}'.repeat(5_000)}`;
    add('deep-input-schema', JSON.stringify(d).replace('"__DEEP__"', deep), { input: LOOKUP_INPUT, refused: true });
  }
  {
    const d = lookup();
    (d['contract'] as Json)['input'] = {
      inputSchema: {
        type: 'object',
        properties: { phoneNumber: { type: 'string' }, child: { $ref: '#' } },
        required: ['phoneNumber'],
      },
    };
    const input = `${'{"phoneNumber":"+1","child":'.repeat(5_000)}{"phoneNumber":"+15551234567"}${'}'.repeat(5_000)}`;
    add('self-ref-input-schema', JSON.stringify(d), { input });
  }
  {
    const d = lookup();
    (cfg(d)['response'] as Json)['successTemplate'] =
      `#set($o = "1")#foreach($i in [1..20000])#set($o = "[$o]")#end{"customerId": \${customerId}, "deep": $o}`;
    add('deep-success-output', JSON.stringify(d), { cases: lookupCases(), input: LOOKUP_INPUT, response: RESPONSE });
  }
  {
    const d = lookup();
    (cfg(d)['response'] as Json)['successTemplate'] =
      `{"customerId": \${customerId}, "deep": ${'['.repeat(3000)}1${']'.repeat(3000)}}`;
    add('deep-success-literal', JSON.stringify(d), { cases: lookupCases(), input: LOOKUP_INPUT, response: RESPONSE });
  }
  {
    const d = lookup();
    (cfg(d)['request'] as Json)['requestUrlTemplate'] =
      `https://crm.example.com/x?p=#set($x = ${'('.repeat(5000)}1${')'.repeat(5000)})$x`;
    add('deep-velocity-parens', JSON.stringify(d), { input: LOOKUP_INPUT, refused: true });
  }
  {
    const d = lookup();
    (cfg(d)['request'] as Json)['requestUrlTemplate'] =
      `https://crm.example.com/x?p=${'#if(true)'.repeat(3000)}x${'#end'.repeat(3000)}`;
    add('deep-velocity-blocks', JSON.stringify(d), { input: LOOKUP_INPUT, refused: true });
  }
  {
    const d = lookup();
    (cfg(d)['request'] as Json)['requestUrlTemplate'] =
      `https://crm.example.com/x?p=#set($x = 1${' + 1'.repeat(10_000)})$x`;
    add('long-operator-chain', JSON.stringify(d), { input: LOOKUP_INPUT, refused: true });
  }
  {
    const d = lookup();
    ((cfg(d)['response'] as Json)['translationMap'] as Json)['fuzzed'] = `$.a[?(${'!'.repeat(5000)}@.b)]`;
    add('deep-jsonpath', JSON.stringify(d), {
      cases: lookupCases(),
      input: LOOKUP_INPUT,
      response: RESPONSE,
      refused: true,
    });
  }
  {
    const d = lookup();
    ((cfg(d)['response'] as Json)['translationMap'] as Json)['fuzzed'] =
      `$.a[?(${Array.from({ length: 5000 }, () => '@.b').join(' && ')})]`;
    add('long-jsonpath-chain', JSON.stringify(d), {
      cases: lookupCases(),
      input: LOOKUP_INPUT,
      response: RESPONSE,
      refused: true,
    });
  }
  {
    const d = lookup();
    ((cfg(d)['response'] as Json)['translationMap'] as Json)['fullName'] = `$${'.a'.repeat(20_000)}`;
    add('long-jsonpath-steps', JSON.stringify(d), {
      cases: lookupCases(),
      input: LOOKUP_INPUT,
      response: RESPONSE,
      refused: true,
    });
  }
  {
    const d = lookup();
    delete (cfg(d)['response'] as Json)['successTemplate'];
    add('deep-jsonata', JSON.stringify(d), {
      jsonata: `${'('.repeat(30_000)}1${')'.repeat(30_000)}`,
      cases: lookupCases(),
      input: LOOKUP_INPUT,
      response: RESPONSE,
    });
  }
  {
    const body = `${'{"customer":'.repeat(5000)}1${'}'.repeat(5000)}`;
    const withBody = (json: unknown): string => JSON.stringify(json).replace('"__BODY__"', body);
    add('deep-case-body', JSON.stringify(lookup()), {
      cases: withBody(lookupCases('__BODY__')),
      input: LOOKUP_INPUT,
      response: withBody({ ...RESPONSE, body: '__BODY__' }),
    });
  }
  // Terraform with deeply nested jsonencode([ (issue 11), closed and unclosed.
  const tf = (inner: string): string =>
    `resource "genesyscloud_integration_action" "deep" {\n  name = "Deep"\n  category = "x"\n  integration_id = "x"\n  contract_input = jsonencode(${inner})\n  contract_output = jsonencode({ type = "object" })\n  config_request {\n    request_url_template = "https://x.example.com"\n    request_type = "GET"\n  }\n}\n`;
  out.push({
    file: `m${String(n++).padStart(3, '0')}-deep-terraform.tf`,
    category: 'deep-terraform',
    content: tf(`${'['.repeat(10_000)}1${']'.repeat(10_000)}`),
    input: {},
    refused: true,
  });
  out.push({
    file: `m${String(n++).padStart(3, '0')}-deep-terraform-unclosed.tf`,
    category: 'deep-terraform',
    content: tf('['.repeat(10_000)),
    input: {},
    refused: true,
  });

  // ---- sizes ----
  const big = 'x'.repeat(50 * 1024 * 1024);
  for (const where of ['name', 'url', 'template', 'header'] as const) {
    const d = lookup();
    if (where === 'name') d['name'] = big;
    if (where === 'url') (cfg(d)['request'] as Json)['requestUrlTemplate'] = `https://crm.example.com/${big}`;
    if (where === 'template') (cfg(d)['response'] as Json)['successTemplate'] = big;
    if (where === 'header') ((cfg(d)['request'] as Json)['headers'] as Json)['X-Big'] = big;
    add(`huge-${where}`, JSON.stringify(d), { input: LOOKUP_INPUT, refused: true });
  }
  const mid = 'y'.repeat(200_000);
  for (const where of ['name', 'url', 'template', 'header', 'path', 'default'] as const) {
    const d = lookup();
    if (where === 'name') d['name'] = mid;
    if (where === 'url') (cfg(d)['request'] as Json)['requestUrlTemplate'] = `https://crm.example.com/${mid}`;
    if (where === 'template') (cfg(d)['request'] as Json)['requestTemplate'] = mid;
    if (where === 'header') ((cfg(d)['request'] as Json)['headers'] as Json)['X-Big'] = mid;
    if (where === 'path') ((cfg(d)['response'] as Json)['translationMap'] as Json)['fullName'] = `$.${mid}`;
    if (where === 'default') ((cfg(d)['response'] as Json)['translationMapDefaults'] as Json)['fullName'] = `"${mid}"`;
    add(`long-${where}`, JSON.stringify(d), { input: LOOKUP_INPUT, refused: true });
  }
  {
    const d = lookup();
    const headers = (cfg(d)['request'] as Json)['headers'] as Json;
    for (let k = 0; k < 20_000; k++) headers[`X-H${k}`] = `v${k}`;
    add('many-headers', JSON.stringify(d), { input: LOOKUP_INPUT, refused: true });
  }
  {
    const d = lookup();
    const props = (((d['contract'] as Json)['input'] as Json)['inputSchema'] as Json)['properties'] as Json;
    props['kind'] = { type: 'string', enum: Array.from({ length: 100_000 }, (_, k) => `value-${k}`) };
    add('big-enum', JSON.stringify(d), { input: { ...LOOKUP_INPUT, kind: 'value-99999' } });
  }
  {
    const d = lookup();
    const props = (((d['contract'] as Json)['output'] as Json)['successSchema'] as Json)['properties'] as Json;
    for (let k = 0; k < 20_000; k++) props[`extra${k}`] = { type: 'string' };
    add('many-output-properties', JSON.stringify(d), { cases: lookupCases(), input: LOOKUP_INPUT, response: RESPONSE });
  }
  return out;
}
