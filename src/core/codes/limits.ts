// Codes of budgets (time, steps, memory of one evaluation) and limits (sizes and nesting of inputs).
export const LIMIT_CODES = {
  'budget.time': 'an evaluation took longer than its time budget',
  'budget.steps': 'an evaluation took more steps than its budget',
  'budget.memory': 'an evaluation grew the heap more than its budget',
  'limit.size': 'an input (file, string, body, header count, schema) larger than its limit',
  'limit.depth': 'nesting deeper than the limit',
  'limit.output': 'a rendered output longer than its limit',
  'limit.regex': 'a regular expression that the linear-time engine cannot run within its limits',
} as const;

export type LimitCode = keyof typeof LIMIT_CODES;
