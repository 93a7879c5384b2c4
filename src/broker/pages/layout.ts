// The HTML frame of the broker's pages (server-rendered, no build step, no scripts, no external assets) and the
// small pieces they share: escaping, relative times with the exact time on hover, status chips that say in words
// what their colour says, and the navigation. Every value that came from a request or the database goes through
// esc() (text and attributes alike).
import crypto from 'node:crypto';
import type { Links } from '../http';

export const esc = (s: unknown): string =>
  String(s ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

const CSS = `
:root{--fg:#1d2330;--muted:#5b6270;--line:#dde2ea;--head:#f3f5f9;--link:#1a56c4}
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:var(--fg);background:#fff;line-height:1.4}
a{color:var(--link)}a:hover{text-decoration-thickness:2px}
a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,summary:focus-visible{outline:3px solid #f0a30a;outline-offset:2px}
.skip{position:absolute;left:-999px;top:0;background:#fff;padding:.5rem}.skip:focus{left:.5rem}
header.top{display:flex;flex-wrap:wrap;gap:1.5rem;align-items:center;padding:.6rem 2rem;background:#1d2330;color:#fff}
header.top a{color:#fff;text-decoration:none}header.top a:hover{text-decoration:underline}
header.top .brand{font-weight:700;font-size:1.05rem}
header.top nav ul{display:flex;gap:1.2rem;list-style:none;margin:0;padding:0}
main{padding:1rem 2rem 3rem;max-width:110rem}
h1{font-size:1.45rem;margin:.6rem 0}h2{font-size:1.15rem;margin:2rem 0 .4rem}h3{font-size:1rem;margin:1.2rem 0 .3rem}
table{border-collapse:collapse;width:100%;margin-top:.5rem}
caption{text-align:left;color:var(--muted);font-size:.85rem;padding:.2rem 0}
th,td{border-bottom:1px solid var(--line);padding:.45rem .6rem;text-align:left;font-size:.92rem;vertical-align:top}
thead th{background:var(--head);font-weight:600;position:sticky;top:0}
tbody th{font-weight:600}
tbody tr:hover{background:#fafbfd}
.muted,.sub{color:var(--muted);font-size:.84rem}.sub{display:block;margin-top:.1rem}
.none{color:var(--muted)}
.ver{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.88rem}
.chip{display:inline-block;border:1px solid #c9d2e3;background:#eef2fa;color:#26324a;border-radius:4px;padding:0 .35rem;font-size:.8rem;margin:.1rem .2rem .1rem 0;white-space:nowrap}
.chip.env-prod{background:#fff1e6;border-color:#f0b27a;color:#6b3200}
.status{display:inline-block;border:1px solid;border-radius:999px;padding:.05rem .55rem;font-weight:600;font-size:.85rem;white-space:nowrap}
.status.ok{color:#0b5d1e;background:#e6f4ea;border-color:#8fcca0}
.status.fail{color:#8c1d18;background:#fce8e6;border-color:#ec9a93}
.status.warn{color:#6b4100;background:#fff4de;border-color:#e9bb62}
.status.none{color:#3f4652;background:#f1f3f4;border-color:#c4c9d0}
a.status{text-decoration:none}a.status:hover{text-decoration:underline}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.86rem}
code{background:var(--head);padding:0 .25rem;border-radius:3px}
pre{background:#f7f8fb;border:1px solid var(--line);border-radius:4px;padding:.5rem;overflow:auto;max-height:30rem;margin:.3rem 0}
form.filters{display:flex;flex-wrap:wrap;gap:.8rem 1.2rem;align-items:flex-end;background:var(--head);border:1px solid var(--line);border-radius:6px;padding:.8rem 1rem;margin:.6rem 0}
form.filters fieldset{border:0;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.6rem 1rem;align-items:flex-end}
form.filters legend{font-weight:600;font-size:.9rem;padding:0;margin-bottom:.2rem}
form.filters label{display:flex;flex-direction:column;font-size:.82rem;color:var(--muted);gap:.15rem}
form.filters input,form.filters select{font:inherit;font-size:.92rem;padding:.3rem .4rem;border:1px solid #aab3c2;border-radius:4px;min-width:11rem;color:var(--fg);background:#fff}
button{font:inherit;font-size:.92rem;padding:.35rem .9rem;border:1px solid #1a56c4;background:#1a56c4;color:#fff;border-radius:4px;cursor:pointer}
.pager{display:flex;gap:1rem;align-items:center;margin:.6rem 0}
.note{background:#fff8e6;border:1px solid #f0d58a;border-radius:4px;padding:.4rem .7rem;font-size:.88rem}
.answer{border:2px solid;border-radius:6px;padding:.6rem 1rem;margin:.6rem 0}
.answer.ok{border-color:#8fcca0;background:#f3fbf5}.answer.fail{border-color:#ec9a93;background:#fdf4f3}.answer.warn{border-color:#e9bb62;background:#fffaf0}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:.5rem 0}
dl.facts dt{color:var(--muted);font-size:.88rem}dl.facts dd{margin:0}
.interaction{border:1px solid var(--line);border-radius:6px;margin:1rem 0;padding:.2rem 1rem .8rem}
.interaction h3{font-size:1.02rem}
.exchange{display:grid;grid-template-columns:repeat(auto-fit,minmax(28rem,1fr));gap:1rem}
.exchange section{min-width:0}
.exchange h4{margin:.5rem 0 .3rem;font-size:.92rem;text-transform:uppercase;letter-spacing:.04em;color:var(--muted)}
.reqline{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.92rem;font-weight:600;word-break:break-all}
.fields td,.fields th{font-size:.86rem;padding:.25rem .5rem}
.json{border:1px solid var(--line);border-radius:4px;background:#f7f8fb;margin:.3rem 0;overflow:auto;max-height:40rem}
.json .l{display:grid;grid-template-columns:minmax(0,1fr) minmax(9rem,max-content);gap:.8rem;padding:0 .5rem}
.json .l:hover{background:#eef2fa}
.json .l code{background:none;padding:0;white-space:pre-wrap;word-break:break-all}
.json .l .rules{text-align:right}
.rule{display:inline-block;font-weight:400;border:1px solid #b7a4e3;background:#f3effc;color:#3b2470;border-radius:4px;padding:0 .3rem;font-size:.78rem;margin-left:.25rem;white-space:nowrap}
.rule.gen{border-color:#9ccbd6;background:#ecf7fa;color:#0f4957}
.states{margin:.2rem 0 .4rem 1.2rem;padding:0}
footer{color:var(--muted);font-size:.8rem;padding:1rem 2rem;border-top:1px solid var(--line)}
@media (prefers-reduced-motion:reduce){*{transition:none!important}}
`.trim();

/** The Content-Security-Policy of every page: nothing external, no scripts, only this stylesheet. */
export const PAGE_CSP = `default-src 'none'; style-src 'sha256-${crypto.createHash('sha256').update(CSS).digest('base64')}'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`;

export interface PageOptions {
  /** The navigation entry to mark as the current page. */
  current?: 'home' | 'matrix' | 'environments' | 'webhooks';
  now?: Date;
}

/** A whole HTML document: skip link, top navigation, the body in <main>, a footer with the API hint. */
export function page(title: string, body: string, L: Links, opts: PageOptions = {}): string {
  const nav = (key: PageOptions['current'], href: string, label: string): string =>
    `<li><a href="${esc(href)}"${opts.current === key ? ' aria-current="page"' : ''}>${esc(label)}</a></li>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · cxpact broker</title>
<style>${CSS}</style></head><body>
<a class="skip" href="#main">Skip to content</a>
<header class="top"><a class="brand" href="${esc(L.url('/'))}">cxpact broker</a>
<nav aria-label="Main"><ul>${nav('home', L.url('/'), 'Integrations')}${nav('environments', L.url('/#environments'), 'Environments')}${nav('matrix', L.url('/ui/matrix'), 'Matrix')}${nav('webhooks', L.url('/#webhooks'), 'Webhooks')}</ul></nav></header>
<main id="main">
${body}
</main>
<footer>Times are relative to ${exactTime((opts.now ?? new Date()).toISOString())} (hover one for the exact time) · API: send <code>Accept: application/hal+json</code> to <code>${esc(L.base)}/</code></footer>
</body></html>`;
}

const UNITS: [number, string][] = [
  [365 * 24 * 3600, 'year'],
  [30 * 24 * 3600, 'month'],
  [7 * 24 * 3600, 'week'],
  [24 * 3600, 'day'],
  [3600, 'hour'],
  [60, 'minute'],
];

/** "3 minutes ago" (or "in 2 hours" for a time ahead of `now`); the whole unit below, as people say it. */
export function relativeTime(iso: string, now: Date = new Date()): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return String(iso);
  const seconds = Math.round((now.getTime() - t) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 10) return seconds >= 0 ? 'just now' : 'in a few seconds';
  if (abs < 60) return seconds >= 0 ? `${abs} seconds ago` : `in ${abs} seconds`;
  for (const [size, unit] of UNITS) {
    const n = Math.floor(abs / size);
    if (n >= 1 || unit === 'minute') {
      const count = Math.max(1, n);
      const text = `${count} ${unit}${count === 1 ? '' : 's'}`;
      return seconds >= 0 ? `${text} ago` : `in ${text}`;
    }
  }
  return iso;
}

/** A <time> element showing the exact time. */
const exactTime = (iso: string): string =>
  `<time datetime="${esc(iso)}">${esc(iso.replace('T', ' ').replace(/\.\d+Z$/, ' UTC'))}</time>`;

/** A <time> element: the relative time as text, the exact ISO time in datetime and as the hover title. */
export function timeAgo(iso: string | null | undefined, now?: Date): string {
  if (iso === null || iso === undefined || iso === '') return '<span class="none">-</span>';
  return `<time datetime="${esc(iso)}" title="${esc(iso)}">${esc(relativeTime(iso, now))}</time>`;
}

export type StatusKind = 'ok' | 'fail' | 'warn' | 'none';
const ICONS: Record<StatusKind, string> = { ok: '✔', fail: '✘', warn: '↻', none: '○' };

/** A status chip: colour and icon for the eye, the words for everyone (colour is never the only signal). */
export function statusChip(kind: StatusKind, text: string, href?: string, title?: string): string {
  const attrs = `class="status ${kind}" data-status="${kind}"${title === undefined ? '' : ` title="${esc(title)}"`}`;
  const inner = `<span aria-hidden="true">${ICONS[kind]}</span> ${esc(text)}`;
  return href === undefined ? `<span ${attrs}>${inner}</span>` : `<a ${attrs} href="${esc(href)}">${inner}</a>`;
}

/** The result of a verification as a chip (linked to the verification page when there is one). */
export function resultCell(success: boolean | undefined, href?: string): string {
  if (success === undefined) return statusChip('none', 'Not verified');
  return success
    ? statusChip('ok', 'Verified', href, 'Verification passed: open the result')
    : statusChip('fail', 'Failed', href, 'Verification failed: open the result');
}

/** A version number with its branches (and environments) as small chips. */
export function versionCell(
  number: string,
  branches: string[],
  environments: { name: string; production: boolean; kind: string }[] = [],
): string {
  const chips = [
    ...branches.map((x) => `<span class="chip" title="branch">⎇ ${esc(x)}</span>`),
    ...environments.map(
      (x) =>
        `<span class="chip${x.production ? ' env-prod' : ''}" title="${esc(`${x.kind} in ${x.name}`)}">${esc(x.kind === 'released' ? `released: ${x.name}` : x.name)}</span>`,
    ),
  ];
  return `<span class="ver">${esc(number)}</span>${chips.length === 0 ? '' : ` ${chips.join(' ')}`}`;
}

/** An HTML response of a page, with the page's security headers. */
export function pageResponse(status: number, html: string): Response {
  return new Response(html, {
    status,
    headers: {
      'Content-Type': 'text/html;charset=utf-8',
      'Content-Security-Policy': PAGE_CSP,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'same-origin',
      'Cache-Control': 'no-store',
    },
  });
}

/** A page that says what was not found (404). */
export function notFoundPage(L: Links, heading: string, detail = ''): Response {
  return pageResponse(
    404,
    page(
      'Not found',
      `<h1>${esc(heading)}</h1>${detail === '' ? '' : `<p>${esc(detail)}</p>`}<p><a href="${esc(L.url('/'))}">Back to the integrations</a></p>`,
      L,
    ),
  );
}
