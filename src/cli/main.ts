#!/usr/bin/env node
// The `cxpact` command line: argv -> command. The ONE place that maps errors to exit codes.
// Start-up is part of the interface (a CI job runs many short commands): this module loads only the command it
// runs, and `cxpact --help` loads none (the list and summaries are in ./command-list).
import fs from 'node:fs';
import path from 'node:path';
import type { CliIO, Command } from './command';
import { COMMAND_LIST } from './command-list';
import { CxpactError, ExitError, messageOf } from '../core/errors';
import { formatError } from './render';
import { limitErrorFromRaw } from '../core/limits';

/** Command name -> module under ./commands exporting `command: Command`. Loaded lazily. */
export const COMMANDS: Record<string, string> = Object.fromEntries(COMMAND_LIST.map((c) => [c.name, c.name]));

export async function loadCommand(name: string): Promise<Command | undefined> {
  const file = COMMANDS[name];
  if (file === undefined) return undefined;
  const mod = (await import(path.join(__dirname, 'commands', file))) as { command: Command };
  return mod.command;
}

function usage(io: CliIO): void {
  const lines = ['Usage: cxpact <command> [options]', '', 'Commands:'];
  for (const { name, summary } of COMMAND_LIST) lines.push(`  ${name.padEnd(20)} ${summary}`);
  lines.push('', 'Run `cxpact <command> --help` for the options of a command.');
  lines.push('Exit codes: 0 success, 1 a check failed or input was invalid, 2 usage error.');
  io.stdout(`${lines.join('\n')}\n`);
}

/** Runs the CLI and resolves to an exit code. */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    usage(io);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version') {
    io.stdout(`${require('../../package.json').version}\n`);
    return 0;
  }
  try {
    const cmd = await loadCommand(name);
    if (cmd === undefined) {
      io.stderr(`[cxpact] Unknown command "${name}". Run \`cxpact --help\` for the list of commands.\n`);
      return 2;
    }
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout(cmd.help.endsWith('\n') ? cmd.help : `${cmd.help}\n`);
      return 0;
    }
    return await cmd.run(rest, io);
  } catch (error) {
    if (error instanceof ExitError) return error.exitCode;
    if (error instanceof CxpactError) {
      io.stderr(`${formatError(error)}\n`);
      return error.code.startsWith('usage') ? 2 : 1;
    }
    // A raw stack overflow or allocation failure escaping a command is a limit finding.
    const limit = limitErrorFromRaw(error);
    if (limit !== undefined) {
      io.stderr(`${formatError(limit)}\n`);
      return 1;
    }
    // A bug: the message and where to report it; the stack only on request (CXPACT_DEBUG=1).
    const detail =
      io.env['CXPACT_DEBUG'] === '1' && error instanceof Error ? (error.stack ?? error.message) : messageOf(error);
    io.stderr(
      `[cxpact] Internal error: ${detail}\n  fix: report this as a cxpact bug with the command and its input (CXPACT_DEBUG=1 prints the stack).\n`,
    );
    return 1;
  }
}

/**
 * Writes a command's output to a standard stream. On Linux, where Node writes process.stdout/stderr synchronously
 * to files, pipes and terminals alike, it writes to the file descriptor itself, the same bytes in the same order,
 * without loading Node's stream modules (about a tenth of the CPU of a short command such as `cxpact run`). A write
 * the descriptor refuses (a full non-blocking pipe, a closed one) and everything after it go through the stream, as
 * does everything on other systems (asynchronous pipes there; Windows consoles want UTF-16).
 */
export function standardWriter(fd: number, stream: () => NodeJS.WriteStream): (text: string) => void {
  let viaStream = process.platform !== 'linux';
  return (text) => {
    if (!viaStream) {
      const bytes = Buffer.from(text, 'utf8');
      let written = 0;
      try {
        while (written < bytes.length) written += fs.writeSync(fd, bytes, written);
        return;
      } catch {
        viaStream = true;
        stream().write(bytes.subarray(written));
        return;
      }
    }
    stream().write(text);
  };
}

export const processIO: CliIO = {
  stdout: standardWriter(1, () => process.stdout),
  stderr: standardWriter(2, () => process.stderr),
  env: process.env,
  cwd: process.cwd(),
};

/** Runs the CLI on this process's arguments and sets its exit code: the entry of bin/cxpact.js and of `node dist/cli/main.js`. */
export function main(): void {
  // Deprecation warnings of dependencies (util._extend in pact-js's proxy) are not the user's to act on.
  if (process.noDeprecation !== true) process.noDeprecation = true;
  runCli(process.argv.slice(2), processIO).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${formatError(error)}\n`);
      process.exitCode = 1;
    },
  );
}

if (require.main === module) main();
