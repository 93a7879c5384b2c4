// The HTML frame of the broker's pages (server-rendered, no build step) and the small pieces they share.

export const esc = (s: unknown): string =>
  String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem;color:#1d2330}
h1{font-size:1.4rem}table{border-collapse:collapse;width:100%;margin-top:1rem}
th,td{border-bottom:1px solid #dde2ea;padding:.45rem .6rem;text-align:left;font-size:.92rem;vertical-align:top}
th{background:#f3f5f9}.ok{color:#0a7a2f;font-weight:600}.fail{color:#b3261e;font-weight:600}.none{color:#7a7f8a}
a{color:#1f5bd8;text-decoration:none}a:hover{text-decoration:underline}.muted{color:#7a7f8a;font-size:.85rem}
code{background:#f3f5f9;padding:0 .25rem;border-radius:3px}
</style></head><body>
<header><a href="/">cxpact broker</a></header>
${body}
</body></html>`;
}

export function resultCell(success: boolean | undefined): string {
  if (success === undefined) return '<span class="none" data-result="none">not verified</span>';
  return success ? '<span class="ok" data-result="success">✔ passed</span>' : '<span class="fail" data-result="failure">✘ failed</span>';
}
