// Every test file belongs to exactly one jest project (jest.config.ts): a file matched by two projects runs twice (it
// did: globs with `**/` matched only one folder level in the ignore patterns), and a file matched by none never runs.
import path from 'node:path';
import { runChild } from '../helpers/child';

const REPO = path.resolve(__dirname, '..', '..');
const PROJECTS = ['unit', 'integration', 'broker', 'e2e'];

async function listTests(projects: string[]): Promise<string[]> {
  const jest = path.join(REPO, 'node_modules', 'jest', 'bin', 'jest.js');
  const r = await runChild(process.execPath, [jest, '--selectProjects', ...projects, '--listTests'], {
    cwd: REPO,
    timeoutMs: 60_000,
    what: `jest --selectProjects ${projects.join(' ')} --listTests`,
  });
  if (r.code !== 0) throw new Error(`jest --listTests exited ${r.code}: ${r.stderr}`);
  return r.stdout
    .split('\n')
    .filter((l) => l.startsWith(REPO))
    .map((f) => path.relative(REPO, f));
}

describe('jest projects', () => {
  it('split the test files without overlap and without leaving one out', async () => {
    const all = await listTests(PROJECTS);
    const owners = new Map<string, string[]>();
    for (const p of PROJECTS) for (const f of await listTests([p])) owners.set(f, [...(owners.get(f) ?? []), p]);
    expect(all.length).toBeGreaterThan(90);
    expect([...owners].filter(([, ps]) => ps.length > 1).map(([f, ps]) => `${f}: ${ps.join(', ')}`)).toEqual([]);
    expect(all.filter((f) => !owners.has(f))).toEqual([]);
    // Nested pure tests are unit tests, broker server tests are the broker project's.
    expect(owners.get('src/core/data-action/validate.test.ts')).toEqual(['unit']);
    expect(owners.get('test/broker/safety.test.ts')).toEqual(['broker']);
    expect(owners.get('test/e2e/demo.e2e.test.ts')).toEqual(['e2e']);
  }, 120_000);
});
