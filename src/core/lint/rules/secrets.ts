// Lint rules: literal secrets in the URL, a header or the body (a secret in a definition ends up in exports, pacts
// and logs). Secrets found are remembered so no finding repeats them. Pure.
import type { Node } from '../../velocity/ast';
import type { VelocityTemplate } from '../../velocity';
import { requestTemplates, type LintContext, type TemplateField } from '../context';

const SECRET_HEADER =
  /^(authorization|proxy-authorization|x-api-key|api-key|apikey|x-apikey|x-auth-token|x-access-token|access-token|auth-token|token|x-token|ocp-apim-subscription-key|x-functions-key|private-token|x-client-secret|client-secret|client_secret|password|x-password|cookie)$/i;
const SECRET_PARAM =
  /^(api[-_]?key|apikey|key|token|access[-_]?token|auth[-_]?token|secret|client[-_]?secret|password|passwd|pwd|sig|signature|code|subscription-key|x-api-key)$/i;
const TOKEN_SHAPES: Array<[RegExp, string]> = [
  [/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/, 'a JWT'],
  [/\b(sk|rk|pk)_(live|test)_[A-Za-z0-9]{10,}/, 'a Stripe key'],
  [/\bgh[pousr]_[A-Za-z0-9]{20,}/, 'a GitHub token'],
  [/\bxox[abprs]-[A-Za-z0-9-]{10,}/, 'a Slack token'],
  [/\bAKIA[0-9A-Z]{16}\b/, 'an AWS access key id'],
  [/\bAIza[0-9A-Za-z_-]{30,}/, 'a Google API key'],
];

/** The template text with every Velocity reference and directive removed: what is literally written. */
function literalText(template: VelocityTemplate): string {
  let out = '';
  const visit = (nodes: Node[]): void => {
    for (const n of nodes) {
      if (n.type === 'text') out += n.value;
      else if (n.type === 'ref') out += '\u0000';
      else if (n.type === 'if') {
        n.branches.forEach((b) => {
          visit(b.body);
        });
        if (n.otherwise) visit(n.otherwise);
      } else if (n.type === 'foreach') visit(n.body);
    }
  };
  visit(template.nodes);
  return out;
}

/** A literal credential-looking value: long enough, no spaces, not a placeholder. */
function looksLikeSecret(value: string): boolean {
  const v = value.trim();
  if (v.length < 8 || /\s/.test(v) || v.includes('\u0000')) return false;
  if (/^(x+|\*+|<[^>]*>|\{\{[^}]*\}\}|your[-_ ]?.*|changeme|placeholder|redacted|none|null|undefined)$/i.test(v))
    return false;
  return /^[A-Za-z0-9._~+/=:-]+$/.test(v);
}

function checkTemplate(c: LintContext, t: TemplateField, template: VelocityTemplate): void {
  const literal = literalText(template);
  const fix =
    "Store the value in the integration's credentials and reference it as ${credentials.<name>} (or ${authResponse.access_token} with a User Defined (OAuth) integration).";
  for (const [re, what] of TOKEN_SHAPES) {
    const token = re.exec(literal);
    if (token !== null) {
      c.secrets.add(token[0]);
      c.add('lint.secret.literal', t.field, `${t.name} contains a literal secret (${what}).`, fix);
      return;
    }
  }
  if (t.field.kind === 'header' && SECRET_HEADER.test(t.field.name)) {
    const value = literal.replace(/^\s*(bearer|basic|token|digest|apikey|sharedaccesssignature|sso-key)\s+/i, '');
    if (looksLikeSecret(value)) {
      c.secrets.add(value.trim());
      c.add(
        'lint.secret.literal',
        t.field,
        `Header ${t.field.name} holds a literal credential instead of a reference.`,
        fix,
      );
      return;
    }
  }
  if (t.field.kind === 'url') {
    const userinfo = /^[a-z][a-z0-9+.-]*:\/\/([^/@\s:]+):([^/@\s]+)@/i.exec(literal);
    if (userinfo !== null && userinfo[2] !== '\u0000') {
      c.secrets.add(userinfo[2] ?? '');
      c.add('lint.secret.literal', t.field, 'The URL carries a literal user:password.', fix);
      return;
    }
  }
  if (t.field.kind === 'url' || t.field.kind === 'body') {
    // query strings and form bodies: name=value; JSON bodies: "name": "value"
    const pairs = [
      ...literal.matchAll(/(?:[?&]|^)([A-Za-z][\w-]*)=([^&#\s"]*)/g),
      ...literal.matchAll(/"([A-Za-z][\w-]*)"\s*:\s*"([^"]*)"/g),
    ];
    for (const m of pairs) {
      const name = m[1] ?? '';
      const value = m[2] ?? '';
      const decoded = decodeURIComponentSafe(value);
      // Generic names (key, code, sig) hold a secret only when the value looks random: long, letters and digits.
      const generic = /^(key|code|sig)$/i.test(name);
      if (
        SECRET_PARAM.test(name) &&
        looksLikeSecret(decoded) &&
        (!generic || (decoded.length >= 20 && /\d/.test(decoded) && /[A-Za-z]/.test(decoded)))
      ) {
        c.secrets.add(value);
        c.secrets.add(decoded);
        c.add(
          'lint.secret.literal',
          t.field,
          `${t.name} sends "${name}" with a literal value: a secret in the definition.`,
          fix,
        );
        return;
      }
    }
  }
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Family `secrets`: every request template that is actually sent. */
export function checkSecrets(c: LintContext): void {
  for (const t of requestTemplates(c.action)) {
    const template = c.template(t);
    if (template !== undefined) checkTemplate(c, t, template);
  }
}
