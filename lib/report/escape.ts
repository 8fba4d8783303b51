/**
 * Escaping for strings that come from the audited accounts (user names, policy names,
 * account aliases, finding messages that quote them). Anyone who can create an IAM user
 * can choose its name, so the report treats every such string as hostile:
 * - HTML metacharacters are escaped (`&`, `<`, `>`, `"`, `'`), so a name cannot open a tag
 *   or leave an attribute;
 * - bidirectional controls (U+202E RIGHT-TO-LEFT OVERRIDE and friends) and other invisible
 *   control characters are replaced by a visible `[U+XXXX]` marker, so a name cannot
 *   reorder the text around it ("Trojan Source") or hide characters. In HTML the value is
 *   also wrapped in `<bdi>` so legitimate right-to-left names stay isolated.
 */

/** Bidi embeddings/overrides/isolates and marks, ALM, zero-width and other invisible format characters, C0/C1 controls. */
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/g;

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Replace invisible and direction-changing characters with a visible `[U+XXXX]` marker. */
export function neutralize(value: string): string {
  return value.replace(INVISIBLE, (ch) => `[U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}]`);
}

/** Escape a string for HTML text or a double- or single-quoted attribute value. */
export function escapeHtml(value: string): string {
  return neutralize(value).replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch] ?? ch);
}

/** An untrusted value for HTML text: escaped and direction-isolated. */
export function untrusted(value: string): string {
  return `<bdi>${escapeHtml(value)}</bdi>`;
}

/** Text that may contain newlines kept as layout (remediation text is ours, but names are not). */
export function plain(value: string): string {
  return neutralize(value.replace(/\r\n|\r|\n/g, ' '));
}

/** A single-line value for the mail subject: no control characters, bounded length. */
export function subjectLine(value: string, max = 200): string {
  const line = plain(value);
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
