// Runs one cxpact command in-process (the real command through runCli) and collects its exit code and output.
import { runCli } from '../../src/cli/main';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `cxpact <argv>` with exactly this environment and working directory; stdout and stderr are captured. */
export async function captureCli(argv: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    env,
    cwd,
  });
  return { code, stdout, stderr };
}
