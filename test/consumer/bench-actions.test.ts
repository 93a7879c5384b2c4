// The benchmark's synthetic actions are real work: every one parses, and every case passes through the real
// mock server (a benchmark of failing cases would measure the wrong thing). No timing here.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateActions } from '../../scripts/bench';
import { defaultEngine } from '../../src/io/default-engine';
import { runConsumerContracts } from '../../src/io/consumer-run';

it('generates synthetic actions whose every case passes', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cxpact-bench-'));
  try {
    generateActions(path.join(dir, 'actions'), 12);
    const report = await runConsumerContracts({
      dataActionsDir: path.join(dir, 'actions'),
      pactsDir: path.join(dir, 'pacts'),
      engine: await defaultEngine(),
    });
    expect(report.totals.actions).toBe(12);
    expect(
      report.actions
        .filter((a) => !a.ok)
        .map((a) => ({ name: a.name, errors: a.errors, cases: a.cases.filter((c) => !c.ok) })),
    ).toEqual([]);
    // both shapes: hand-written cases files and derived cases (with absent-field cases for defaults)
    expect(new Set(report.actions.map((a) => a.casesSource))).toEqual(new Set(['file', 'derived']));
    expect(report.actions.flatMap((a) => a.cases).some((c) => c.kind === 'absent-field')).toBe(true);
    expect(fs.readdirSync(path.join(dir, 'pacts')).length).toBe(report.pacts.length);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
