// Captures a CLI run in-process: the real command, the real verifier, output collected for assertions.
import path from 'node:path';
import { runCli } from '../../src/cli/main';

export const REPO_ROOT = path.resolve(__dirname, '../..');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function cli(argv: string[], env: NodeJS.ProcessEnv = {}, cwd = REPO_ROOT): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    cwd,
  });
  return { code, stdout, stderr };
}
