// Lint rules over the action's configuration: the timeout. Pure.
import type { LintContext } from '../context';

/** Family `config`. */
export function checkTimeout(c: LintContext): void {
  const action = c.action;
  const t = action.timeoutSeconds;
  if (t === undefined) return;
  if (!Number.isInteger(t) || t < 1 || t > 60) {
    c.add(
      'lint.config.timeout-range',
      { kind: 'timeout' },
      `timeoutSeconds is ${t}; Genesys accepts a whole number from 1 to 60.`,
      'Set config.timeoutSeconds between 1 and 60 (the default is 60).',
    );
  } else if (action.actionType === 'customAuth') {
    c.add(
      'lint.config.timeout-custom-auth',
      { kind: 'timeout' },
      'timeoutSeconds is not valid on a custom-auth action.',
      'Remove config.timeoutSeconds from the custom-auth action.',
    );
  }
}
