// Captures a CLI run in-process: the real command, the real verifier, output collected for assertions.
import path from 'node:path';
import { captureCli, type CliRun } from '../helpers/cli-run';

export const REPO_ROOT = path.resolve(__dirname, '../..');

export async function cli(argv: string[], env: NodeJS.ProcessEnv = {}, cwd = REPO_ROOT): Promise<CliRun> {
  return captureCli(argv, { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, cwd);
}
