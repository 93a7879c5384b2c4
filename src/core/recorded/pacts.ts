// A provider's pacts as the recorded checks use them: the pact-file model's HTTP interactions with the key their
// recording is stored under. Pure.
import { httpInteractions, parsePactFile, type PactFile } from '../contract/pact-file';
import { CxpactError } from '../errors';
import { npxSpelling, type Spelling } from '../spelling';
import { interactionKey, type LoadedPact } from './model';

/** The recorded checks' view of a parsed pact. `source` names it in findings (a file path or a broker URL). */
export function loadedPact(pact: PactFile, source: string): LoadedPact {
  const out: LoadedPact = {
    consumer: pact.consumer,
    provider: pact.provider,
    source,
    interactions: httpInteractions(pact).map((it) => ({
      consumer: pact.consumer,
      provider: pact.provider,
      source,
      description: it.description,
      providerStates: it.providerStates,
      ...(it.id === undefined ? {} : { id: it.id }),
      key: interactionKey(it.description, it.providerStates),
      request: it.request,
      response: it.response,
    })),
    skipped: pact.interactions.filter((i) => i.kind !== 'http').length,
  };
  const self = pact.links['self'];
  const publish = pact.links['pb:publish-verification-results'];
  if (self !== undefined) out.brokerPactUrl = self;
  if (publish !== undefined) out.publishUrl = publish;
  return out;
}

/** Parses one pact document. `source` names it in findings. Throws `recorded.pact.invalid` for a document that is not a pact. */
export function parsePact(doc: unknown, source: string, spell: Spelling = npxSpelling): LoadedPact {
  const parsed = parsePactFile(doc);
  if (!parsed.ok) {
    throw new CxpactError('recorded.pact.invalid', `${source} is not a pact file: ${parsed.problem.message}.`, {
      file: source,
      path: parsed.problem.path,
      fix: `Use a pact written by \`${spell('consumer')}\` (Pact specification V2-V4).`,
    });
  }
  return loadedPact(parsed.pact, source);
}
