// A can-i-deploy decision as the CLI prints it: the verdict first, then each reason (a Finding) with its fix.
import { short, type ExplainContext, type GateDecision } from '../../core/gate/explain';
import { findingLines } from './index';

export function formatDecision(
  d: GateDecision,
  ctx: Pick<ExplainContext, 'pacticipant' | 'version' | 'environment'>,
  attempts: number,
): string {
  const verdict =
    d.deployable === true
      ? 'YES'
      : d.deployable === false
        ? 'NO'
        : 'NO (the broker cannot confirm it: results are missing)';
  const lines = [`[cxpact] Can ${ctx.pacticipant} ${short(ctx.version)} be deployed to ${ctx.environment}? ${verdict}`];
  for (const r of d.reasons)
    lines.push(...findingLines(r, { indent: '  ', head: `${r.ok ? '✓' : '✗'} `, detailIndent: '      ', at: false }));
  if (d.deployable === null && attempts > 1)
    lines.push(`  (asked the broker ${attempts} times; results did not arrive in time)`);
  if (d.deployable === null && attempts <= 1)
    lines.push('  (pass --retry-while-unknown N to wait for pending verifications)');
  return `${lines.join('\n')}\n`;
}
