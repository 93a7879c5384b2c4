// Reads the pacts of one provider from pact files and directories into the recorded checks' model (V2-V4, through
// the pact-file model). The broker's pacts: src/io/broker-client/pacts.ts.
import fs from 'node:fs';
import { declaredProvider } from '../../core/contract/pact-file';
import { CxpactError } from '../../core/errors';
import type { LoadedPact } from '../../core/recorded/model';
import { parsePact } from '../../core/recorded/pacts';
import { cxpactCommand, spellingFor } from '../cli-spelling';
import { listPactFiles } from '../files';

export { parsePact } from '../../core/recorded/pacts';

/** Pacts for `provider` from pact files and directories (directories: their *.json files). */
export function loadPactsFromFiles(
  paths: string[],
  provider: string,
  cwd?: string,
): { pacts: LoadedPact[]; otherProviders: string[] } {
  const pacts: LoadedPact[] = [];
  const others = new Set<string>();
  const entries = listPactFiles(
    paths,
    (p) =>
      new CxpactError('recorded.pacts.missing', `Pact file or directory ${p} does not exist.`, {
        file: p,
        fix: `Run \`${cxpactCommand(cwd, 'consumer')}\` to write pacts to pacts/, pass --pacts <dir|file>, or read them from the broker with --broker-url.`,
      }),
  );
  for (const { file, fromDirectory } of entries) {
    let doc: unknown;
    try {
      doc = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (error) {
      throw new CxpactError('recorded.pact.malformed', `${file} is not valid JSON: ${(error as Error).message}.`, {
        file,
        path: '$',
        fix: `Regenerate it with \`${cxpactCommand(cwd, 'consumer')}\`.`,
      });
    }
    const name = declaredProvider(doc);
    if (name !== provider) {
      if (name !== undefined) others.add(name);
      else if (!fromDirectory) parsePact(doc, file, spellingFor(cwd));
      continue;
    }
    pacts.push(parsePact(doc, file, spellingFor(cwd)));
  }
  return { pacts, otherProviders: [...others].sort() };
}
