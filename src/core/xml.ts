// XML text for reports (JUnit XML for GitLab's `artifacts:reports:junit`).

/**
 * Escapes text for an XML attribute or element. XML 1.0 forbids most control characters, so they are dropped
 * (ANSI colour codes from the verifier would otherwise make the file unparsable).
 */
export function xmlEscape(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '');
}
