// The few git questions cxpact asks (the commit to publish as, the branch, uncommitted definitions). Runs `git`;
// every answer is undefined outside a git checkout.
import { execFileSync } from 'node:child_process';

/** `git <args>` in `cwd`: its trimmed stdout, or undefined (not a checkout, no git, empty output). */
export function git(args: string[], cwd: string): string | undefined {
  try {
    const out = execFileSync('git', args, { cwd, stdio: ['ignore', 'pipe', 'ignore'], encoding: 'utf8' }).trim();
    return out === '' ? undefined : out;
  } catch {
    return undefined;
  }
}

/** The HEAD commit of `cwd`'s checkout. */
export function headCommit(cwd: string): string | undefined {
  return git(['rev-parse', 'HEAD'], cwd);
}

/** The current branch; undefined on a detached HEAD. */
export function currentBranch(cwd: string): string | undefined {
  const branch = git(['rev-parse', '--abbrev-ref', 'HEAD'], cwd);
  return branch === 'HEAD' ? undefined : branch;
}

/** `git status --porcelain` lines for changes under `dir` (tracked and untracked), or undefined outside git. */
export function uncommittedChanges(dir: string, cwd: string): string[] | undefined {
  try {
    const out = execFileSync('git', ['status', '--porcelain', '--untracked-files=all', '--', dir], {
      cwd,
      stdio: ['ignore', 'pipe', 'ignore'],
      encoding: 'utf8',
    });
    return out.split('\n').filter((l) => l.trim() !== '');
  } catch {
    return undefined;
  }
}
