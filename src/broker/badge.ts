// Status badges (SVG) for READMEs: the Pact Broker's `/pacts/provider/P/consumer/C/latest[/TAG]/badge` and the
// can-i-deploy badge. Rendered locally in the flat shields.io style (the Ruby broker redirects to shields.io by
// default; a local broker has no network, and an <img> in a README must work offline too).
import { xmlEscape } from '../core/xml';

export type BadgeColour = 'brightgreen' | 'red' | 'lightgrey' | 'orange';
const COLOURS: Record<BadgeColour, string> = {
  brightgreen: '#4c1',
  red: '#e05d44',
  lightgrey: '#9f9f9f',
  orange: '#fe7d37',
};

/** Approximate text width in px for 11px Verdana (what shields.io uses); wide enough that nothing is clipped. */
const width = (s: string): number =>
  Math.round([...s].reduce((w, c) => w + (/[A-Z0-9mw@%]/.test(c) ? 8 : /[ilj.,:;|!'()/\- ]/.test(c) ? 4 : 6.5), 0)) +
  10;

export function badgeSvg(label: string, message: string, colour: BadgeColour): string {
  const lw = width(label);
  const mw = width(message);
  const total = lw + mw;
  const title = `${label}: ${message}`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${total}" height="20" role="img" aria-label="${xmlEscape(title)}">`,
    `<title>${xmlEscape(title)}</title>`,
    `<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>`,
    `<clipPath id="r"><rect width="${total}" height="20" rx="3" fill="#fff"/></clipPath>`,
    `<g clip-path="url(#r)"><rect width="${lw}" height="20" fill="#555"/><rect x="${lw}" width="${mw}" height="20" fill="${COLOURS[colour]}"/><rect width="${total}" height="20" fill="url(#s)"/></g>`,
    `<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">`,
    `<text x="${lw / 2}" y="15" fill="#010101" fill-opacity=".3">${xmlEscape(label)}</text><text x="${lw / 2}" y="14">${xmlEscape(label)}</text>`,
    `<text x="${lw + mw / 2}" y="15" fill="#010101" fill-opacity=".3">${xmlEscape(message)}</text><text x="${lw + mw / 2}" y="14">${xmlEscape(message)}</text>`,
    `</g></svg>`,
  ].join('');
}

export function svgResponse(svg: string): Response {
  // Short cache, like the Pact Broker's badge_default_cache_setting (max-age=30).
  return new Response(svg, {
    status: 200,
    headers: { 'Content-Type': 'image/svg+xml;charset=utf-8', 'Cache-Control': 'max-age=30' },
  });
}

/** The pact badge's message and colour from the latest verification of the pact (undefined: none / no pact). */
export function pactBadgeStatus(success: boolean | undefined): { message: string; colour: BadgeColour } {
  if (success === true) return { message: 'verified', colour: 'brightgreen' };
  if (success === false) return { message: 'failed', colour: 'red' };
  return { message: 'unknown', colour: 'lightgrey' };
}

/** The can-i-deploy badge's message and colour from `summary.deployable`. */
export function canIDeployBadgeStatus(deployable: unknown): { message: string; colour: BadgeColour } {
  if (deployable === true) return { message: 'yes', colour: 'brightgreen' };
  if (deployable === false) return { message: 'no', colour: 'red' };
  return { message: 'unknown', colour: 'lightgrey' };
}
