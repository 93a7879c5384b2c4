// Where the broker's pages live. The API keeps its own URLs (a browser opening one gets the JSON: the pages link
// to them as "raw JSON"); the pages live under /ui, except the index at /.
import { seg, type Links } from '../http';

export interface MatrixFilters {
  pacticipant?: string;
  /** Only versions of the pacticipant on this branch. */
  branch?: string;
  /** Only versions of the pacticipant currently deployed or released in this environment. */
  environment?: string;
  /** Only rows with this other pacticipant. */
  with?: string;
  withBranch?: string;
  withEnvironment?: string;
  /** How many versions of the pacticipant (newest first). */
  limit?: number;
  /** Can-i-deploy: this version of the pacticipant ... */
  version?: string;
  /** ... to this environment. */
  to?: string;
}

const MATRIX_KEYS: (keyof MatrixFilters)[] = [
  'pacticipant',
  'branch',
  'environment',
  'with',
  'withBranch',
  'withEnvironment',
  'limit',
  'version',
  'to',
];

function query(pairs: [string, string | number | undefined][]): string {
  const q = new URLSearchParams();
  for (const [k, v] of pairs) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s === '' ? '' : `?${s}`;
}

export function pageUrls(L: Links) {
  const pactBase = (provider: string, consumer: string): string =>
    L.url(`/ui/pacts/provider/${seg(provider)}/consumer/${seg(consumer)}`);
  return {
    index: (q: { filter?: string; page?: number } = {}): string =>
      L.url(
        `/${query([
          ['filter', q.filter],
          ['page', q.page],
        ])}`,
      ),
    matrix: (f: MatrixFilters = {}): string => L.url(`/ui/matrix${query(MATRIX_KEYS.map((k) => [k, f[k]]))}`),
    pact: (provider: string, consumer: string, consumerVersion: string): string =>
      `${pactBase(provider, consumer)}/version/${seg(consumerVersion)}`,
    pactVersion: (provider: string, consumer: string, sha: string): string =>
      `${pactBase(provider, consumer)}/pact-version/${seg(sha)}`,
    verification: (provider: string, consumer: string, sha: string, n: number): string =>
      `${pactBase(provider, consumer)}/pact-version/${seg(sha)}/verification-results/${n}`,
  };
}

export type PageUrls = ReturnType<typeof pageUrls>;
