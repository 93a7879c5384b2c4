// Lint rules: the input and output contracts as Genesys accepts them (flat primitive inputs, valid and unreserved
// names, no $ref, no nested arrays, an output contract present, no dotted output keys). Pure.
import { member } from '../../data-action/fields';
import { isRecord } from '../../json';
import { properties, RESERVED_INPUTS, typesOf, type LintContext } from '../context';

const INPUT_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

function walkSchema(schema: unknown, at: string, visit: (node: Record<string, unknown>, at: string) => void): void {
  if (Array.isArray(schema)) {
    schema.forEach((s, i) => {
      walkSchema(s, `${at}[${i}]`, visit);
    });
    return;
  }
  if (!isRecord(schema)) return;
  visit(schema, at);
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'properties' || k === 'patternProperties' || k === 'definitions') {
      if (isRecord(v)) for (const [name, sub] of Object.entries(v)) walkSchema(sub, `${at}.${k}${member(name)}`, visit);
    } else if (k === 'items' || k === 'additionalProperties' || k === 'not') {
      walkSchema(v, `${at}.${k}`, visit);
    } else if (k === 'allOf' || k === 'anyOf' || k === 'oneOf') {
      walkSchema(v, `${at}.${k}`, visit);
    }
  }
}

function isArraySchema(s: unknown): boolean {
  return isRecord(s) && (typesOf(s).includes('array') || (s['type'] === undefined && s['items'] !== undefined));
}

/** Family `contract`. */
export function checkContracts(c: LintContext): void {
  const action = c.action;
  const input = action.inputSchema;
  const output = action.outputSchema;
  for (const [which, schema] of [
    ['inputSchema', input],
    ['outputSchema', output],
  ] as const) {
    walkSchema(schema, '', (node, at) => {
      if (typeof node['$ref'] === 'string') {
        c.add(
          'lint.contract.ref',
          { kind: which, sub: `${at}['$ref']` },
          `The ${which === 'inputSchema' ? 'input' : 'output'} contract uses $ref, which Genesys does not support.`,
          'Inline the referenced schema.',
        );
      }
    });
  }

  // Output: present, no nested arrays, no dotted keys.
  if (!isRecord(output) || Object.keys(output).length === 0) {
    // Custom-auth actions (and their Terraform resource) have no user-defined contract.
    if (action.actionType !== 'customAuth')
      c.add(
        'lint.contract.output-missing',
        { kind: 'outputSchema' },
        'The action has no output contract (successSchema).',
        'Add contract.output.successSchema: {"type": "object", "properties": {...}} listing the outputs the flow reads (an empty "properties" when it reads none).',
      );
  } else {
    walkSchema(output, '', (node, at) => {
      if (!isArraySchema(node)) return;
      const items = node['items'];
      const nested = Array.isArray(items) ? items.some(isArraySchema) : isArraySchema(items);
      if (nested) {
        c.add(
          'lint.contract.nested-array',
          { kind: 'outputSchema', sub: `${at}.items` },
          'The output contract has an array inside an array, which Genesys rejects.',
          'Wrap the inner array in an object ({"type": "object", "properties": {"values": {"type": "array", ...}}}).',
        );
      }
      void at;
    });
    walkSchema(output, '', (node, at) => {
      for (const name of Object.keys(properties(node))) {
        if (name.includes('.')) {
          c.add(
            'lint.contract.output-dotted-key',
            { kind: 'outputSchema', sub: `${at}.properties${member(name)}` },
            `Output property "${name}" contains a dot; flattened output (Architect, outbound rules) cannot tell it from nesting.`,
            'Use a nested object instead of a dotted name.',
          );
        }
      }
    });
  }

  // Input: flat object of primitives, valid names, no reserved names.
  if (!isRecord(input) || Object.keys(input).length === 0) return;
  const rootTypes = typesOf(input);
  if (rootTypes.length > 0 && !rootTypes.includes('object')) {
    c.add(
      'lint.contract.input-not-flat',
      { kind: 'inputSchema', sub: '.type' },
      `The input contract's root type is ${rootTypes.join('/')}; Genesys requires a flat object.`,
      'Make the input contract {"type": "object", "properties": {...}} with string/integer/number/boolean properties.',
    );
  }
  for (const [name, prop] of Object.entries(properties(input))) {
    const sub = `.properties${member(name)}`;
    const types = typesOf(prop);
    if (
      types.includes('object') ||
      types.includes('array') ||
      prop['properties'] !== undefined ||
      prop['items'] !== undefined
    ) {
      c.add(
        'lint.contract.input-not-flat',
        { kind: 'inputSchema', sub },
        `Input "${name}" is ${types.includes('array') || prop['items'] !== undefined ? 'an array' : 'an object'}; Genesys only accepts a flat input contract of primitive properties.`,
        'Pass the value as a JSON string input and parse it in the request template, or split it into several primitive inputs.',
      );
    }
    if (RESERVED_INPUTS.has(name)) {
      c.add(
        'lint.contract.input-reserved',
        { kind: 'inputSchema', sub },
        `Input "${name}" is reserved: the platform overwrites $input.${name}.`,
        'Rename the input.',
      );
    } else if (!INPUT_NAME.test(name)) {
      c.add(
        'lint.contract.input-name',
        { kind: 'inputSchema', sub },
        `Input name "${name}" is not allowed (must match ^[A-Za-z][A-Za-z0-9_-]*$).`,
        'Rename the input to letters, digits, "_" and "-", starting with a letter.',
      );
    }
  }
}
