import { CxpactError } from '../errors';
import {
  VelocityRenderError,
  VelocitySyntaxError,
  parseVelocity,
  renderSuccessTemplate,
  renderVelocity,
  renderVelocitySegments,
  SecretSource,
  velocityReferences,
} from './index';

const r = (tpl: string, ctx: Record<string, unknown> = {}, strict = true): string =>
  renderVelocity(tpl, ctx, { name: 'tpl', strict });

function renderError(tpl: string, ctx: Record<string, unknown> = {}): VelocityRenderError {
  try {
    r(tpl, ctx);
  } catch (e) {
    if (e instanceof VelocityRenderError) return e;
    throw e;
  }
  throw new Error(`expected a render error for ${tpl}`);
}

function syntaxError(tpl: string): VelocitySyntaxError {
  try {
    parseVelocity(tpl, 'tpl');
  } catch (e) {
    if (e instanceof VelocitySyntaxError) return e;
    throw e;
  }
  throw new Error(`expected a syntax error for ${tpl}`);
}

describe('references', () => {
  const ctx = { name: 'Ann', input: { a: { b: 'deep' }, n: 5, flag: true, list: ['x', 'y'] } };

  it('renders shorthand, formal, quiet and quiet formal references', () => {
    expect(r('$name ${name} $!name $!{name}', ctx)).toBe('Ann Ann Ann Ann');
  });

  it('renders property chains and indexes', () => {
    expect(r('${input.a.b}/$input.a.b/$input.list[1]/${input.list[0]}', ctx)).toBe('deep/deep/y/x');
  });

  it('renders numbers and booleans as Java does', () => {
    expect(r('$input.n $input.flag ${input.list}', ctx)).toBe('5 true [x, y]');
    expect(r('$m', { m: { a: 1, b: 'x' } })).toBe('{a=1, b=x}');
    expect(r('#set($d = 2.0)$d #set($e = 1.5 * 2)$e')).toBe('2.0 3.0');
  });

  it('leaves text that is not a reference alone', () => {
    expect(r('cost: $5 and $ alone, $.value, a.b@c.d')).toBe('cost: $5 and $ alone, $.value, a.b@c.d');
  });

  it('ends a shorthand reference at a dot not followed by a name', () => {
    expect(r('$name. and $name.', ctx)).toBe('Ann. and Ann.');
  });

  it('treats text after a closed formal reference as text (the Get-Data-Table-Row bug)', () => {
    expect(r("${k}.replace(' ', '%20')", { k: 'a b' })).toBe("a b.replace(' ', '%20')");
  });

  it('allows hyphens inside names as Velocity 1.7 does', () => {
    expect(r('${input.first-name}', { input: { 'first-name': 'Al' } })).toBe('Al');
  });
});

describe('strict reference mode', () => {
  it('fails on an undefined name with the reference, line and column', () => {
    const e = renderError('line one\n  /api/${Input.conversationId}/x', { input: {} });
    expect(e.message).toBe('Variable $Input has not been set at tpl[line 2, column 8]');
    expect(e.code).toBe('velocity.undefined-reference');
    expect(e).toBeInstanceOf(CxpactError);
    expect(e.line).toBe(2);
    expect(e.column).toBe(8);
    expect(e.reference).toBe('$Input');
    expect(e.fix).toContain('references are case-sensitive');
  });

  it('fails on a non-quiet reference that evaluates to null, naming the missing key', () => {
    const e = renderError('{"x": "${input.x}"}', { input: {} });
    expect(e.code).toBe('velocity.null-reference');
    expect(e.message).toContain(
      "Reference $input.x evaluated to null when attempting to render (no key 'x' in $input)",
    );
    expect(e.message).toContain('tpl[line 1, column 8]');
    expect(e.details).toMatchObject({ missingKey: 'x' });
  });

  it('renders quiet references to null or undefined as nothing', () => {
    expect(r('[$!{input.x}][$!input.x][$!nothing][$!{nothing.at.all}]', { input: {} })).toBe('[][][][]');
  });

  it('renders null as the reference text when strict is off', () => {
    expect(r('/x/${input.foo}/$bar', { input: {} }, false)).toBe('/x/${input.foo}/$bar');
  });

  it('fails on a property of a null value', () => {
    const e = renderError('${input.x.length()}', { input: {} });
    expect(e.message).toContain("Attempted to access 'length' on a null value ($input.x is null)");
  });

  it('fails on a method that does not exist', () => {
    const e = renderError('${s.nope()}', { s: 'x' });
    expect(e.message).toContain('Method nope() does not exist on java.lang.String');
    expect(renderError('$s.bogus', { s: 'x' }).message).toContain(
      "Attempted to access 'bogus' on object of class java.lang.String",
    );
  });

  it('lets a bare undefined reference be false in #if, but not in a comparison', () => {
    expect(r('#if($bogus)yes#else no#end')).toBe(' no');
    expect(r('#if(!$bogus && !$other)none#end')).toBe('none');
    expect(renderError('#if($bogus == "x")yes#end').message).toContain('Variable $bogus has not been set');
  });
});

describe('directives', () => {
  it('#set variables, map keys and list items', () => {
    expect(r('#set($x = "a")#set($m = {"k": 1})#set($m.k = 2)#set($l = [1, 2])#set($l[0] = 9)$x $m.k $l')).toBe(
      'a 2 [9, 2]',
    );
  });

  it('#if / #elseif / #else', () => {
    const t = '#if($n > 10)big#elseif($n > 5)mid#else small#end';
    expect(r(t, { n: 20 })).toBe('big');
    expect(r(t, { n: 7 })).toBe('mid');
    expect(r(t, { n: 1 })).toBe(' small');
    expect(r('#{if}($n == 1)one#{else}other#{end}', { n: 1 })).toBe('one');
  });

  it('uses Velocity 1.7 truthiness: only null and false are false', () => {
    expect(r('#if($s)t#end#if($z)t#end#if($f)t#end#if($n)t#end', { s: '', z: 0, f: false, n: null })).toBe('tt');
  });

  it('#foreach with $foreach.hasNext, $foreach.index, $velocityCount and restores the loop variable', () => {
    expect(
      r('#foreach($x in $l)$foreach.index:$velocityCount:$x#if($foreach.hasNext),#end#end', { l: ['a', 'b'] }),
    ).toBe('0:1:a,1:2:b');
    expect(r('#set($x = "keep")#foreach($x in [1..3])$x#end $x')).toBe('123 keep');
    expect(r('#foreach($x in [3..1])$x#end')).toBe('321');
    expect(r('#foreach($v in $m)$v#end', { m: { a: 1, b: 2 } })).toBe('12');
    expect(r('#foreach($x in [1..5])#if($x == 3)#break#end$x#end')).toBe('12');
  });

  it('#foreach ... #else renders the else part when there is nothing to iterate (Velocity 2)', () => {
    const t = '#foreach($x in $l)$x#else none#end';
    expect(r(t, { l: [1, 2] })).toBe('12');
    expect(r(t, { l: [] })).toBe(' none');
    expect(r(t, { l: null })).toBe(' none');
  });

  it('refuses to iterate a string (a JSON text) in strict mode', () => {
    expect(renderError('#foreach($x in $t)$x#end', { t: '[1,2]' }).message).toContain(
      '#foreach cannot iterate over a java.lang.String',
    );
  });

  it('#macro definitions and calls', () => {
    expect(r('#macro(pair $k $v)"$k": "$v"#end{#pair("a" "1"), #pair("b", $x)}', { x: 2 })).toBe(
      '{"a": "1", "b": "2"}',
    );
  });

  it('#stop ends rendering', () => {
    expect(r('a#stop b')).toBe('a');
  });

  it('removes lines holding only a directive, newline included', () => {
    const t = '[\n  #if($a)\n  "a"\n  #end\n  #set($x = 1)\n  "b"\n]';
    expect(r(t, { a: true })).toBe('[\n  "a"\n  "b"\n]');
    expect(r(t, { a: false })).toBe('[\n  "b"\n]');
  });

  it('keeps the whitespace of a directive that shares its line with text', () => {
    expect(r('a #if(true)b#end c')).toBe('a b c');
  });
});

describe('comments, unparsed blocks and escapes', () => {
  it('drops ## line comments (with their newline) and #* block comments *#', () => {
    expect(r('a## gone\nb#* also\n gone *#c')).toBe('abc');
    expect(r('x\n  ## whole line\ny')).toBe('x\ny');
  });

  it('copies #[[ unparsed ]]# verbatim', () => {
    expect(r('#[[ $x #if( ]]#')).toBe(' $x #if( ');
  });

  it('escapes references with a backslash', () => {
    expect(r('\\$x \\${x} \\\\$x', { x: 1 })).toBe('$x ${x} \\1');
    expect(r('\\#if(true)', {})).toBe('#if(true)');
  });

  it('keeps a lone # and backslash', () => {
    expect(r('#1 # \\n C:\\dir')).toBe('#1 # \\n C:\\dir');
  });
});

describe('expressions', () => {
  it('integer and float arithmetic with Java semantics', () => {
    expect(r('#set($a = 7 / 2)#set($b = 7 % 3)#set($c = -7 / 2)#set($d = 7.0 / 2)$a $b $c $d')).toBe('3 1 -3 3.5');
    expect(r('#set($x = (1 + 2) * 3 - 4)$x')).toBe('5');
    expect(renderError('#set($x = 1 / 0)').message).toContain('Division by zero');
    expect(renderError('#set($x = "a" + 1)').message).toContain("Left side of '+' is not a number");
  });

  it('comparison and logical operators, word forms included', () => {
    expect(r('#if(1 < 2 && 2 >= 2 and 3 gt 1 && !(1 eq 2) && 1 ne 2 || false)ok#end')).toBe('ok');
    expect(r('#if(not false and (false or true))ok#end')).toBe('ok');
    expect(r('#if("a" < "b")ok#end')).toBe('ok');
    expect(r('#if($n == "5")eq#end', { n: 5 })).toBe('eq');
    expect(r('#if($n == 5.0)eq#end', { n: 5 })).toBe('eq');
  });

  it('string literals: double quotes interpolate, single quotes do not', () => {
    expect(r(`#set($a = "hi $n")#set($b = 'hi $n')$a|$b`, { n: 'Bo' })).toBe('hi Bo|hi $n');
    expect(r('#set($q = "say ""hi""")$q')).toBe('say "hi"');
  });

  it('list, map and range literals', () => {
    expect(r('#set($l = [1, "two", [3]])$l $l.size() #set($m = {"a": 1, "b": [2]})$m.b[0] #set($r = [1..4])$r')).toBe(
      '[1, two, [3]] 3 2 [1, 2, 3, 4]',
    );
  });
});

describe('Java methods', () => {
  const s = { s: '  Hello, World  ', t: 'a,b,,c,,', e: '' };

  it('String methods', () => {
    expect(r('${s.trim()}|${s.length()}|${s.trim().toUpperCase()}|${s.trim().toLowerCase()}', s)).toBe(
      'Hello, World|16|HELLO, WORLD|hello, world',
    );
    expect(
      r(
        '${s.trim().substring(0, 5)}|${s.trim().substring(7)}|${s.trim().charAt(1)}|${s.indexOf("o")}|${s.lastIndexOf("o")}',
        s,
      ),
    ).toBe('Hello|World|e|6|10');
    expect(
      r(
        '$s.contains("World") $s.trim().startsWith("He") $s.trim().endsWith("ld") $s.isEmpty() $e.isEmpty() $e.empty',
        s,
      ),
    ).toBe('true true true false true true');
    expect(
      r('$s.trim().equals("Hello, World") $s.trim().equalsIgnoreCase("HELLO, world") ${s.trim().concat("!")}', s),
    ).toBe('true true Hello, World!');
    expect(r("${s.trim().replace(' ', '%20')}|${s.trim().replace('l', 'L')}", s)).toBe('Hello,%20World|HeLLo, WorLd');
  });

  it('String regex methods with Java regex semantics', () => {
    expect(r('${t.split(",")}|${t.split(",").size()}|${t.split(",", -1).size()}|${t.split(",", 2)}', s)).toBe(
      '[a, b, , c]|4|6|[a, b,,c,,]',
    );
    expect(r('${p.replaceAll("[^0-9]", "")}', { p: '+1 (317) 555-0125' })).toBe('13175550125');
    expect(r('${p.replaceAll("(\\w+)@(\\w+)", "$2 at $1")}', { p: 'me@host' })).toBe('host at me');
    expect(r('${p.replaceFirst("\\d", "#")}', { p: 'a1b2' })).toBe('a#b2');
    expect(r('$p.matches("\\p{Alpha}+") $p.matches("a")', { p: 'abc' })).toBe('true false');
    expect(r('${p.replaceAll("(?i)ABC", "x")}', { p: 'abcABC' })).toBe('xx');
  });

  it('fails like Java on bad indexes and regexes', () => {
    expect(renderError('${s.substring(5, 2)}', { s: 'abc' }).message).toContain('StringIndexOutOfBoundsException');
    expect(renderError('${s.charAt(9)}', { s: 'abc' }).code).toBe('velocity.method-failed');
    expect(renderError('${s.replaceAll("(", "")}', { s: 'abc' }).message).toContain('PatternSyntaxException');
    // A name that is no POSIX class, on the backtracking fallback (lookahead): refused with the reason, not compiled.
    expect(renderError('$s.matches("(?=a)\\p{toString}")', { s: 'abc' }).message).toMatch(
      /PatternSyntaxException: .*Invalid property name/,
    );
    expect(renderError('${l.get(5)}', { l: [1] }).message).toContain('IndexOutOfBoundsException');
  });

  it('List, Map, Number and Boolean methods', () => {
    const c = { l: ['a', 'b'], m: { k: 'v' }, n: 7, f: 2.5, b: true };
    expect(r('$l.size() $l.get(1) $l.contains("a") $l.indexOf("b") $l.isEmpty() $l.empty', c)).toBe(
      '2 b true 1 false false',
    );
    expect(r('$m.get("k") $m.containsKey("k") $m.keySet() $m.values() $m.size() $!m.get("none")', c)).toBe(
      'v true [k] [v] 1 ',
    );
    expect(r('$n.intValue() $f.intValue() $n.doubleValue() $n.toString() $b.toString() $n.equals(7)', c)).toBe(
      '7 2 7.0 7 true true',
    );
    expect(r('#set($x = $l.add("c"))$l $x', c)).toBe('[a, b, c] true');
  });
});

describe('tools', () => {
  it('$esc character properties and JSON/URL escaping', () => {
    expect(
      r(
        '$esc.quote$esc.quote ${esc.dollar}filter $esc.hash $esc.backslash $esc.singleQuote $esc.exclamation $esc.q$esc.d$esc.h$esc.b$esc.s$esc.e',
      ),
    ).toBe(`"" $filter # \\ ' ! "$#\\'!`);
    expect(r('$esc.jsonString($v)', { v: 'say "hi"\n\t\\ é' })).toBe('say \\"hi\\"\\n\\t\\\\ é');
    expect(r('$esc.jsonEncode($v)', { v: 'a"b' })).toBe('a\\"b');
    expect(r('$esc.jsonDecode($v)', { v: 'a\\"b\\n' })).toBe('a"b\n');
    expect(r('$esc.url($v)|$esc.urlFormEncode($v)|$esc.uriEncode($v)', { v: 'a b*~/é' })).toBe(
      'a+b*%7E%2F%C3%A9|a+b*%7E%2F%C3%A9|a%20b*~%2F%C3%A9',
    );
    expect(r('$esc.url("createdon desc")')).toBe('createdon+desc');
  });

  it('$esc java/javascript/html/xml/sql', () => {
    const v = { v: `<a href="x">it's & é</a>` };
    expect(r('$esc.html($v)', v)).toBe("&lt;a href=&quot;x&quot;&gt;it's &amp; &#233;&lt;/a&gt;");
    expect(r('$esc.xml($v)', v)).toBe('&lt;a href=&quot;x&quot;&gt;it&apos;s &amp; &#233;&lt;/a&gt;');
    expect(r('$esc.java($v)', v)).toBe('<a href=\\"x\\">it\'s & \\u00E9</a>');
    expect(r('$esc.javascript($v)', v)).toBe('<a href=\\"x\\">it\\\'s & \\u00E9<\\/a>');
    expect(r('$esc.sql("it\'s")')).toBe("it''s");
  });

  it('returns null for a null argument, which strict mode refuses to render', () => {
    expect(r('[$!esc.url($input.none)]', { input: {} })).toBe('[]');
    expect(renderError('$esc.url($input.none)', { input: {} }).code).toBe('velocity.null-reference');
  });

  it('$math follows MathTool types', () => {
    expect(r('$math.add(1, 2) $math.add(1, 2.5) $math.sub(5, 7) $math.mul(2, 3) $math.div(5, 2) $math.div(4, 2)')).toBe(
      '3 3.5 -2 6 2.5 2',
    );
    expect(
      r(
        '$math.max(1, 9) $math.min(1, 9) $math.abs(-3) $math.round(2.5) $math.floor(2.7) $math.ceil(2.1) $math.toNumber("42")',
      ),
    ).toBe('9 1 3 3 2 3 42');
    expect(r('$math.add("2", "3") $math.roundTo(2, 3.14159) [$!math.add("x", 1)] [$!math.div(1, 0)]')).toBe(
      '5 3.14 [] []',
    );
    const rnd = Number(r('$math.random(1, 10)'));
    expect(rnd).toBeGreaterThanOrEqual(1);
    expect(rnd).toBeLessThan(10);
  });

  it('$encoding, $urlTool, $salesforce, $msdynamics', () => {
    expect(r('Basic $encoding.base64("user:pässword")')).toBe(
      `Basic ${Buffer.from('user:pässword').toString('base64')}`,
    );
    expect(r('$encoding.base64Decode("aGk=")')).toBe('hi');
    expect(r('?a=1$urlTool.optionalQueryParam("&q", $v)$urlTool.optionalQueryParam("&none", "")', { v: 'x y' })).toBe(
      '?a=1%26q=x+y',
    );
    expect(r('$urlTool.encode("a b") $urlTool.decode("a+b%21")')).toBe('a+b a b!');
    expect(r('$salesforce.escReserved("a-b (c)?")')).toBe('a\\-b \\(c\\)\\?');
    expect(r('$msdynamics.phoneNumberFilter("tel:+1 317", ["telephone1", "mobilephone"])')).toBe(
      "telephone1 eq 'tel:+1317' or telephone1 eq '1317' or mobilephone eq 'tel:+1317' or mobilephone eq '1317'",
    );
  });

  it('tools are added by default and can be left out', () => {
    expect(() => renderVelocity('$esc.quote', {}, { tools: false })).toThrow('Variable $esc has not been set');
    expect(renderVelocity('$esc', { esc: 'mine' })).toBe('mine');
  });
});

describe('secret placeholders', () => {
  it('renders credentials as placeholders marked secret, also through tools and string literals', () => {
    const ctx = { credentials: new SecretSource('credentials'), authResponse: new SecretSource('authResponse') };
    const segs = renderVelocitySegments(
      'Basic $encoding.base64("${credentials.clientId}:${credentials.clientSecret}")',
      ctx,
    );
    expect(segs).toEqual([
      { text: 'Basic ', secret: false },
      { text: '{{base64(credentials.clientId:credentials.clientSecret)}}', secret: true },
    ]);
    expect(renderVelocity('${authResponse.token_type} ${authResponse.access_token}', ctx)).toBe(
      '{{authResponse.token_type}} {{authResponse.access_token}}',
    );
  });
});

describe('syntax errors', () => {
  it('names the problem, template, line and column', () => {
    const e = syntaxError('ok\n#if($x ]\n');
    expect(e.message).toBe("#if expects ')' at tpl[line 2, column 8]");
    expect(e.code).toBe('velocity.syntax');
    expect(e.line).toBe(2);
    expect(syntaxError('x ${input.a').message).toContain(
      "'${' is not closed: expected '}' after ${input.a at tpl[line 1, column 12]",
    );
    expect(syntaxError('#if(true)never closed').message).toContain(
      '#if without a matching #end at tpl[line 1, column 1]',
    );
    expect(syntaxError('text #end').message).toContain(
      '#end without a matching #if or #foreach at tpl[line 1, column 6]',
    );
    expect(syntaxError('#set($x = )').message).toContain("unexpected ')' in an expression at tpl[line 1, column 11]");
    expect(syntaxError('$esc.url("a"').message).toContain("method call is missing ')'");
    expect(syntaxError('#* never closed').message).toContain('unclosed block comment');
    expect(syntaxError('#set($x = "abc)').message).toContain('unclosed string literal');
  });

  it('renderVelocity reports syntax errors too', () => {
    expect(() => r('${x')).toThrow(VelocitySyntaxError);
  });
});

describe('velocityReferences', () => {
  it('lists every reference with root, property path, quietness and position', () => {
    const refs = velocityReferences(
      '/api/${input.id}/$!{input.opt}\n#if("$!{input.flag}" != "")${input.name.trim()}#end#foreach($i in $input.list)$i$foreach.hasNext#end$esc.url($input.q)',
    );
    expect(refs.map((x) => [x.root, x.path.join('.'), x.quiet, x.line, x.column, x.local])).toEqual([
      ['input', 'id', false, 1, 6, false],
      ['input', 'opt', true, 1, 18, false],
      ['input', 'flag', true, 2, 6, false],
      ['input', 'name', false, 2, 28, false],
      ['input', 'list', false, 2, 67, false],
      ['i', '', false, 2, 79, true],
      ['foreach', 'hasNext', false, 2, 81, true],
      ['esc', '', false, 2, 101, false],
      ['input', 'q', false, 2, 110, false],
    ]);
  });
});

describe('velocityReferences (more)', () => {
  it('skips comments, unparsed blocks and escaped references; marks #set, #foreach and macro names local', () => {
    const refs = velocityReferences('## $a\n#* $b *##[[ $c ]]#\\$d #set($e = "x")$e #macro(m $p)$p#end $f.g("$h.i")');
    expect(refs.map((x) => `${x.root}:${x.path.join('.')}:${x.local}`)).toEqual([
      'e::true',
      'p::true',
      'f::false',
      'h:i:false',
    ]);
  });

  it('names the template in syntax errors', () => {
    expect(() => velocityReferences('${x', 'requestUrlTemplate')).toThrow(/at requestUrlTemplate\[line 1, column 4\]/);
  });
});

describe('renderSuccessTemplate', () => {
  it('puts translation-map variables in as JSON text and rawResult as the body text', () => {
    expect(
      renderSuccessTemplate(
        '{"name": ${name}, "n": ${count}, "raw": ${rawResult}}',
        { name: '"Ann"', count: '3' },
        '{"a":1}',
      ),
    ).toBe('{"name": "Ann", "n": 3, "raw": {"a":1}}');
  });

  it('firstFromArray returns element 0 as JSON text or the default verbatim', () => {
    const t =
      '{"p": ${successTemplateUtils.firstFromArray("${ids}", "$esc.quote$esc.quote")}, "q": ${successTemplateUtils.firstFromArray(${nums}, "0")}}';
    expect(renderSuccessTemplate(t, { ids: '["a\\"b", "c"]', nums: '[{"x":1}]' }, '{}')).toBe(
      '{"p": "a\\"b", "q": {"x":1}}',
    );
    expect(renderSuccessTemplate(t, { ids: '[]', nums: '[]' }, '{}')).toBe('{"p": "", "q": 0}');
    expect(renderSuccessTemplate('${successTemplateUtils.firstFromArray("[]")}', {}, '{}')).toBe('');
  });

  it('reproduces Genesys strict errors with the successTemplate name', () => {
    expect(() => renderSuccessTemplate('{"presence": ${Presences}}', { presence: '"x"' }, '{}')).toThrow(
      'Variable $Presences has not been set at successTemplate[line 1, column 14]',
    );
  });

  it('jsonEncode of firstFromArray embeds a JSON object as a string (switch-voice-to-web-messaging)', () => {
    const out = renderSuccessTemplate(
      '{"jsonAttributes": "$esc.jsonEncode(${successTemplateUtils.firstFromArray("${attributes}")})"}',
      { attributes: '[{"a":"b"}]' },
      '{}',
    );
    expect(JSON.parse(out)).toEqual({ jsonAttributes: '{"a":"b"}' });
  });
});

describe('robustness', () => {
  it('any input either renders or fails with a Velocity error (deterministic fuzz)', () => {
    const pieces = [
      '$',
      '!',
      '{',
      '}',
      '(',
      ')',
      '[',
      ']',
      '#',
      'if',
      'end',
      'else',
      'set',
      'foreach',
      ' in ',
      '"',
      "'",
      '\\',
      '.',
      ',',
      '=',
      '==',
      'x',
      'input',
      'a',
      '1',
      '..',
      '*',
      '\n',
      ' ',
      '&&',
      'macro',
      '##',
      '#*',
      '*#',
      '[[',
      ']]',
    ];
    let seed = 42;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let i = 0; i < 3000; i++) {
      let t = '';
      const len = 1 + rnd(14);
      for (let j = 0; j < len; j++) t += pieces[rnd(pieces.length)];
      try {
        renderVelocity(t, { x: 'v', input: { a: 1 }, a: [1, 2] }, { strict: rnd(2) === 0 });
      } catch (e) {
        if (!(e instanceof VelocitySyntaxError) && !(e instanceof VelocityRenderError)) {
          throw new Error(`template ${JSON.stringify(t)} threw ${String(e)}`);
        }
      }
    }
  });
});
