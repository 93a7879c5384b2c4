// Which cases become pact interactions and which are checked by cxpact's emulator only. Pure.
//
// A pact holds what the consumer needs from the provider in its normal running, and nothing a provider cannot
// honour: a provider cannot be asked to be down, and an interaction that repeats the success interaction minus one
// field asks nothing new of it. What the Data Action does on its own (its Failure path, its defaults) is checked
// by the emulator, offline, in `cxpact consumer`. docs/decisions/0005-what-goes-into-a-pact.md explains the rule.

import type { ContractCase } from './cases';

export type CheckedBy = 'pact' | 'emulator';

export interface WhereChecked {
  checkedBy: CheckedBy;
  /** Why, in words (printed in the consumer report). */
  reason: string;
}

/**
 * Where a case is checked:
 * - a derived success case: in the pact (the normal answer to the normal request);
 * - a derived absent-field case: by the emulator (its interaction would be the success interaction minus the
 *   field, and its provider state is one no running provider knows);
 * - a derived failure case: by the emulator (a provider cannot be asked to fail);
 * - a case from a cases file with a provider state its author wrote: in the pact (the provider can set that up);
 * - a success case from a cases file without a provider state: in the pact (the provider's normal data must
 *   satisfy it);
 * - a failure or absent-field case from a cases file without a provider state: by the emulator.
 */
export function whereChecked(kase: ContractCase): WhereChecked {
  if (kase.origin.kind === 'derived') {
    if (kase.kind === 'success')
      return { checkedBy: 'pact', reason: 'derived success case: the normal answer to the request' };
    if (kase.kind === 'absent-field') {
      return {
        checkedBy: 'emulator',
        reason:
          'derived absent-field case: it asks nothing of the provider beyond the success interaction, so the emulator checks the default',
      };
    }
    return {
      checkedBy: 'emulator',
      reason:
        "derived failure case: a provider cannot be asked to fail, so the emulator checks the action's Failure path",
    };
  }
  if (kase.providerState !== undefined)
    return { checkedBy: 'pact', reason: 'the provider state its author wrote can be set up by the provider' };
  if (kase.kind === 'success')
    return { checkedBy: 'pact', reason: "no provider state: the provider's normal data must satisfy it" };
  return {
    checkedBy: 'emulator',
    reason: `no provider state: a provider cannot be asked to ${kase.kind === 'failure' ? 'fail' : 'leave the field out'} without one (add a "providerState" to put the case in the pact)`,
  };
}
