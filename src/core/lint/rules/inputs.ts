// Lint rules: inputs declared but never sent, and (with --info) optional inputs rendered without a guard. They read
// what the request family found the templates use. Pure.
import { member } from '../../data-action/fields';
import { velocityReferences } from '../../velocity';
import type { Expr, Node } from '../../velocity/ast';
import { properties, RESERVED_INPUTS, requestTemplates, sendsBody, type LintContext } from '../context';

/** The inputs an #if condition tests positively (`$input.x`, `$input.x != ""`; not under `!`). */
function guardedInputs(e: Expr, out: Set<string>): void {
  switch (e.type) {
    case 'refExpr':
      if (e.ref.root === 'input' && e.ref.parts[0]?.type === 'prop') out.add(e.ref.parts[0].name);
      return;
    case 'binary':
      guardedInputs(e.left, out);
      guardedInputs(e.right, out);
      return;
    default:
      return;
  }
}

/**
 * Positions (`line:column`) of the references a template renders as output with no enclosing #if/#elseif that
 * tests the input they start with (`#if($input.x) ... ${input.x} ... #end`). Directive arguments are not output.
 */
function unguardedOutputRefs(nodes: Node[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const visit = (list: Node[], guarded: ReadonlySet<string>): void => {
    for (const n of list) {
      switch (n.type) {
        case 'ref':
          out.set(`${n.line}:${n.column}`, new Set(guarded));
          break;
        case 'if':
          for (const b of n.branches) {
            const g = new Set(guarded);
            guardedInputs(b.condition, g);
            visit(b.body, g);
          }
          if (n.otherwise !== undefined) visit(n.otherwise, guarded);
          break;
        case 'foreach':
          visit(n.body, guarded);
          if (n.otherwise !== undefined) visit(n.otherwise, guarded);
          break;
        case 'macro':
          visit(n.body, guarded);
          break;
        default:
          break;
      }
    }
  };
  visit(nodes, new Set());
  return out;
}

/**
 * An input the contract does not require, rendered in the URL or a header by a plain (non-quiet) reference outside
 * an #if that tests it: Genesys renders with strict references, so the request fails when the flow leaves it out.
 */
function checkOptionalInputsGuarded(c: LintContext): void {
  const action = c.action;
  const declared = Object.keys(properties(action.inputSchema));
  if (declared.length === 0) return;
  const requiredList = action.inputSchema?.['required'];
  const required = new Set(
    Array.isArray(requiredList) ? requiredList.filter((x): x is string => typeof x === 'string') : [],
  );
  const optional = new Set(declared.filter((n) => !required.has(n) && !RESERVED_INPUTS.has(n)));
  if (optional.size === 0) return;
  for (const t of requestTemplates(action)) {
    if (t.field.kind !== 'url' && t.field.kind !== 'header') continue;
    const template = c.template(t);
    if (template === undefined) continue; // reported as velocity.syntax
    const outputs = unguardedOutputRefs(template.nodes);
    const reported = new Set<string>();
    for (const ref of velocityReferences(template)) {
      if (ref.local || ref.quiet || ref.root !== 'input') continue;
      const name = ref.path[0];
      if (name === undefined || !optional.has(name) || reported.has(name)) continue;
      const guards = outputs.get(`${ref.line}:${ref.column}`);
      if (guards === undefined || guards.has(name)) continue; // not rendered as output, or inside #if($input.name)
      reported.add(name);
      c.add(
        'lint.input.optional-unguarded',
        // info, not warning: most real definitions list no `required` inputs and their flows always pass them.
        t.field,
        `${t.name} renders ${ref.source}, but "${name}" is not in the input contract's required list: when the flow leaves it out, the request fails (Genesys renders with strict references).`,
        `Make "${name}" required in the input contract, use $!{input.${name}}, or wrap it in #if($input.${name}).`,
        ref,
      );
    }
  }
}

function checkInputsUsed(c: LintContext): void {
  const { action, usedInputs, rawRequestUsed } = c;
  if (rawRequestUsed && sendsBody(action)) return; // ${input.rawRequest} sends every input
  for (const name of Object.keys(properties(action.inputSchema))) {
    if (usedInputs.has(name) || RESERVED_INPUTS.has(name)) continue;
    c.add(
      'lint.input.unused',
      { kind: 'inputSchema', sub: `.properties${member(name)}` },
      `Input "${name}" is declared in the input contract but no request template uses it${sendsBody(action) ? '' : ` (this ${action.request.method} sends no body, so \${input.rawRequest} does not send it)`}.`,
      `Use \${input.${name}} in the URL, a header or the body, or remove it from the input contract.`,
    );
  }
}

/** Family `inputs` (after `request`: it reads the inputs the templates use). */
export function checkInputs(c: LintContext): void {
  checkInputsUsed(c);
  if (c.options.info === true) checkOptionalInputsGuarded(c);
}
