// Verification results: publishing one for a pact version (what the pact-js Verifier and `cxpact verify` send,
// with the for-verification metadata that marks WIP/pending), and reading one by number or the latest.
import { hal, jsonBody, pacticipantOr404, params, type Handler, type Routes } from '../context';
import { badRequest, decodeMetadata, notFound } from '../http';
import { collectNameProblem } from '../names';
import { Resources } from '../resources';
import type { Version } from '../store/types';
import type { BrokerEvent, WebhookEventName } from '../webhooks';
import { isRecord } from '../../core/json';

export function verificationRoutes(r: Routes): void {
  const S = r.deps.store;

  const publishVerification: Handler = async (c) => {
    const p = params(c);
    const body = jsonBody(c);
    const errors: Record<string, string[]> = {};
    if (typeof body.success !== 'boolean') errors.success = ['must be true or false'];
    collectNameProblem(errors, 'providerApplicationVersion', body.providerApplicationVersion);
    if (body.buildUrl !== undefined && body.buildUrl !== null) {
      try {
        if (typeof body.buildUrl !== 'string') throw new Error('not a string');
        new URL(body.buildUrl);
      } catch {
        errors.buildUrl = ['must be a valid URL'];
      }
    }
    if (
      body.testResults !== undefined &&
      body.testResults !== null &&
      !Array.isArray(body.testResults) &&
      !isRecord(body.testResults)
    )
      errors.testResults = ['must be an array'];
    const [consumer, provider] = await Promise.all([
      pacticipantOr404(S, p.consumer!),
      pacticipantOr404(S, p.provider!),
    ]);
    const pv = await S.pactVersionBySha(consumer.id, provider.id, p.sha!);
    if (pv === undefined) throw notFound(`No pact version ${p.sha} between ${consumer.name} and ${provider.name}`);
    if (Object.keys(errors).length > 0) throw badRequest(errors);
    const meta = p.metadata === undefined ? {} : decodeMetadata(p.metadata);
    const cvns = Array.isArray(meta.cvn) ? meta.cvn.map(String) : [];
    const { verification, events } = await S.tx(async (t) => {
      const { version: providerVersion } = await t.ensureVersion(
        provider.id,
        body.providerApplicationVersion as string,
      );
      const v = await t.createVerification({
        pactVersion: pv,
        providerVersion,
        success: body.success as boolean,
        buildUrl: typeof body.buildUrl === 'string' ? body.buildUrl : null,
        testResults: body.testResults ?? null,
        verifiedBy: body.verifiedBy ?? null,
        wip: meta.w === true && meta.cvn !== undefined && Array.isArray(meta.s),
        pending: typeof meta.p === 'boolean' ? meta.p : null,
        consumerVersionNumbers: cvns,
      });
      const events: BrokerEvent[] = [];
      if ((await t.webhooks()).length > 0) {
        let consumerVersions = (await Promise.all(cvns.map((n) => t.version(consumer.id, n)))).filter(
          (x): x is Version => x !== undefined,
        );
        if (consumerVersions.length === 0) {
          const pubs = await t.publicationsOfPactVersion(pv.id);
          if (pubs.length > 0) consumerVersions = [await t.versionById(pubs[pubs.length - 1]!.consumerVersionId)];
        }
        for (const cv of consumerVersions) {
          for (const name of [
            'provider_verification_published',
            v.success ? 'provider_verification_succeeded' : 'provider_verification_failed',
          ] as WebhookEventName[]) {
            events.push({
              name,
              consumer,
              provider,
              pactVersion: pv,
              consumerVersion: cv,
              providerVersion,
              verification: v,
              buildUrl: v.buildUrl,
            });
          }
        }
      }
      return { verification: v, events };
    });
    await r.deps.webhooks.fire(events, c.var.links);
    const out = await new Resources(S, c.var.links).verification(consumer, provider, pv, verification);
    return hal(201, out, {
      Location: c.var.links.verification(provider.name, consumer.name, pv.sha, verification.number),
    });
  };
  r.resource('/pacts/provider/:provider/consumer/:consumer/pact-version/:sha/verification-results', {
    POST: publishVerification,
  });
  r.resource('/pacts/provider/:provider/consumer/:consumer/pact-version/:sha/metadata/:metadata/verification-results', {
    POST: publishVerification,
  });
  r.resource('/pacts/provider/:provider/consumer/:consumer/pact-version/:sha/verification-results/:number', {
    GET: async (c) => {
      const p = params(c);
      const [consumer, provider] = await Promise.all([
        pacticipantOr404(S, p.consumer!),
        pacticipantOr404(S, p.provider!),
      ]);
      const pv = await S.pactVersionBySha(consumer.id, provider.id, p.sha!);
      if (pv === undefined) throw notFound('No such pact version');
      const n = Number(p.number);
      const v =
        p.number === 'latest'
          ? await S.latestVerificationOfPactVersion(pv.id)
          : Number.isSafeInteger(n)
            ? await S.verificationByNumber(pv.id, n)
            : undefined;
      if (v === undefined) throw notFound('No such verification result');
      return hal(200, await new Resources(S, c.var.links).verification(consumer, provider, pv, v));
    },
  });
}
