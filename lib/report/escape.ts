/**
 * Escaping for strings that come from the audited accounts (user names, policy names,
 * account aliases, finding messages that quote them). Anyone who can create an IAM user
 * can choose its name, so the report treats every such string as hostile:
 * - HTML metacharacters are escaped (`&`, `<`, `>`, `"`, `'`, and the backtick), so a name
 *   cannot open a tag or leave an attribute;
 * - bidirectional controls (U+202E RIGHT-TO-LEFT OVERRIDE and friends) and other invisible
 *   control characters are replaced by a visible `[U+XXXX]` marker, so a name cannot
 *   reorder the text around it ("Trojan Source") or hide characters. In HTML the value is
 *   also wrapped in `<bdi>` so legitimate right-to-left names stay isolated.
 *
 * The encoding itself lives in lib/support/sanitize (one layer for every sink of art32: the
 * terminal, CSV, Markdown, HTML and mail headers); these are the report's names for it.
 */
import { headerLine, htmlText, visible } from '../support/sanitize';

/** Replace invisible and direction-changing characters with a visible `[U+XXXX]` marker. */
export function neutralize(value: string): string {
  return visible(value);
}

/** Escape a string for HTML text or a double- or single-quoted attribute value. */
export function escapeHtml(value: string): string {
  return htmlText(value);
}

/** An untrusted value for HTML text: escaped and direction-isolated. */
export function untrusted(value: string): string {
  return `<bdi>${htmlText(value)}</bdi>`;
}

/** Text that may contain newlines kept as layout (remediation text is ours, but names are not). */
export function plain(value: string): string {
  return visible(value.replace(/\r\n|\r|\n/g, ' '));
}

/** A single-line value for the mail subject: no control characters, bounded length. */
export function subjectLine(value: string, max = 200): string {
  return headerLine(value, max);
}
