// The shape every cxpact command module exports as `command`.

export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export interface Command {
  name: string;
  /** One line for `cxpact --help`. */
  summary: string;
  /** Full help text for `cxpact <name> --help`: usage, options, environment variables and exit codes. */
  help: string;
  /** Runs the command; resolves to the process exit code. Never calls process.exit. */
  run(argv: string[], io: CliIO): Promise<number>;
}
