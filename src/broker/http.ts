// HTTP pieces shared by the broker's routes: errors with a status, link builders and pact-version metadata.

export const HAL = 'application/hal+json;charset=utf-8';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    readonly extraHeaders: Record<string, string> = {},
  ) {
    super(typeof body.error === 'string' ? body.error : `HTTP ${status}`);
  }
}

export const notFound = (what: string): HttpError => new HttpError(404, { error: what });
export const badRequest = (errors: Record<string, string[]> | string[]): HttpError => new HttpError(400, { errors });

/** Percent-encodes one path segment (what the official clients do when expanding templates). */
export const seg = (s: string): string => encodeURIComponent(s);

/** Link builders relative to a base URL. */
export class Links {
  constructor(readonly base: string) {}
  url(p: string): string {
    return this.base + p;
  }
  pacticipant(name: string): string {
    return this.url(`/pacticipants/${seg(name)}`);
  }
  version(p: string, v: string): string {
    return this.url(`/pacticipants/${seg(p)}/versions/${seg(v)}`);
  }
  tag(p: string, v: string, t: string): string {
    return `${this.version(p, v)}/tags/${seg(t)}`;
  }
  branch(p: string, b: string): string {
    return this.url(`/pacticipants/${seg(p)}/branches/${seg(b)}`);
  }
  branchVersion(p: string, b: string, v: string): string {
    return `${this.branch(p, b)}/versions/${seg(v)}`;
  }
  pactByVersion(provider: string, consumer: string, v: string): string {
    return this.url(`/pacts/provider/${seg(provider)}/consumer/${seg(consumer)}/version/${seg(v)}`);
  }
  pactVersion(provider: string, consumer: string, sha: string, metadata?: string): string {
    return this.url(
      `/pacts/provider/${seg(provider)}/consumer/${seg(consumer)}/pact-version/${sha}${metadata === undefined ? '' : `/metadata/${metadata}`}`,
    );
  }
  latestPact(provider: string, consumer: string): string {
    return this.url(`/pacts/provider/${seg(provider)}/consumer/${seg(consumer)}/latest`);
  }
  verification(provider: string, consumer: string, sha: string, n: number): string {
    return `${this.pactVersion(provider, consumer, sha)}/verification-results/${n}`;
  }
  environment(uuid: string): string {
    return this.url(`/environments/${uuid}`);
  }
  deployedVersion(uuid: string): string {
    return this.url(`/deployed-versions/${uuid}`);
  }
  releasedVersion(uuid: string): string {
    return this.url(`/released-versions/${uuid}`);
  }
  webhook(uuid: string): string {
    return this.url(`/webhooks/${uuid}`);
  }
}

/** Encodes opaque metadata for pact-version URLs (base64url of JSON). */
export function encodeMetadata(data: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(data)).toString('base64url');
}

export function decodeMetadata(token: string): Record<string, unknown> {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown;
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}
