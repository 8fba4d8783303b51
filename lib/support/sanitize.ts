/**
 * One output-encoding layer for every text sink of art32 (terminal, JSON on a terminal, CSV,
 * Markdown, HTML, mail subject, error messages).
 *
 * Why: auditors run art32 on files the audited party produced (exports, CloudTrail logs), and
 * anyone who can name an IAM user, a role, a tag or an ARN chooses bytes that art32 prints.
 * Printed raw, those bytes can move the cursor and rewrite a FAIL line as a green PASS (ESC / CSI
 * sequences, C1 controls, carriage return), reorder what a reader sees (bidi overrides and
 * isolates, "Trojan Source"), hide text (zero-width and other invisible format characters, tag
 * characters), run a formula when a CSV is opened in a spreadsheet (`=`, `+`, `-`, `@`, tab,
 * CR), or inject Markdown/HTML markup into an audit pack.
 *
 * Every function here is pure and total: any string in, a safe string out. Unsafe characters
 * become a visible marker (`[U+001B]`) rather than disappearing, so a reader can see that the
 * source held something odd. The one exception is {@link escapeJsonText}, which keeps JSON
 * lossless by using JSON's own `\uXXXX` escapes.
 */

/**
 * Characters never written raw to a reader: C0 controls, DEL, C1 controls, soft hyphen, Arabic
 * letter mark, Hangul fillers, Mongolian vowel separator, zero-width and bidi marks, line and
 * paragraph separators, bidi embeddings/overrides/isolates, invisible operators and deprecated
 * format characters, BOM, interlinear annotation characters, and (astral) tag characters.
 * Lone surrogates too: terminals and files get U+FFFD for them otherwise, which hides the fact.
 */
const UNSAFE_SOURCE =
  '[\\u0000-\\u001f\\u007f-\\u009f\\u00ad\\u061c\\u115f\\u1160\\u180e\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u206f\\u3164\\ufe00-\\ufe0f\\ufeff\\uffa0\\ufff9-\\ufffb]' +
  '|\\udb40[\\udc00-\\udc7f]' + // U+E0000–U+E007F tag characters (invisible "ASCII smuggling")
  '|[\\ud800-\\udbff](?![\\udc00-\\udfff])|(?<![\\ud800-\\udbff])[\\udc00-\\udfff]';

/**
 * A fresh global regex (a shared /g regex keeps `lastIndex` state between callers). The class
 * lists combining marks (variation selectors) and surrogates on purpose: each is matched, and
 * marked, on its own.
 */
// eslint-disable-next-line no-misleading-character-class
const unsafe = (): RegExp => new RegExp(UNSAFE_SOURCE, 'g');

/** Does the text hold a character that {@link visible} would mark? */
export function hasUnsafeCharacters(text: string): boolean {
  return unsafe().test(text);
}

/** The visible marker of one unsafe character (or UTF-16 code unit pair): `[U+001B]`, `[U+E0041]`. */
export function marker(ch: string): string {
  return `[U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}]`;
}

/** Any value as display text: strings as they are, nullish as empty, the rest as JSON. */
export function asText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * Every unsafe character replaced with its visible marker, except those in `keep` (e.g. `'\n'`
 * for a multi-line block of art32's own layout).
 */
export function visible(text: string, keep = ''): string {
  return text.replace(unsafe(), (ch) => (keep.includes(ch) ? ch : marker(ch)));
}

/** Bound a (sanitised) text to `max` characters with an ellipsis saying how much was cut. */
export function bounded(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, Math.max(0, max));
  // Never end on half a surrogate pair or half a marker.
  const clean = cut.replace(/[\ud800-\udbff]$/, '').replace(/\[U\+[0-9A-F]{0,5}$/, '');
  return `${clean}… (${text.length - clean.length} more characters)`;
}

/**
 * One value on one terminal line (a table cell, a name in a sentence): every control including
 * tab, CR and LF is marked, so a value can neither move the cursor nor start a fake line.
 */
export function terminalText(value: unknown, max?: number): string {
  const text = visible(asText(value));
  return max === undefined ? text : bounded(text, max);
}

/**
 * A block of terminal output already assembled by art32 (its own line breaks are layout): LF
 * and tab are kept, every other unsafe character (ESC, CR, C1, bidi, …) is marked. The last
 * line of defence in the CLI's output guard; values should have gone through
 * {@link terminalText} before, so they cannot start a line of their own.
 */
export function terminalBlock(text: string): string {
  return visible(text, '\n\t');
}

/**
 * JSON text safe to print on a terminal and still the same JSON: characters JSON.stringify
 * leaves raw (C1 controls, DEL, bidi and invisible format characters, U+2028/9, lone
 * surrogates) become `\uXXXX` escapes, which parse back to the identical value. Those can
 * only sit inside JSON strings, so the escape is always valid there; LF outside strings is
 * indentation and stays.
 */
export function escapeJsonText(json: string): string {
  // LF is indentation (JSON.stringify escapes every LF inside a string).
  return json.replace(unsafe(), (ch) => ch === '\n' ? ch : Array.from({ length: ch.length }, (_, i) => `\\u${ch.charCodeAt(i).toString(16).padStart(4, '0')}`).join(''));
}

/** JSON.stringify, then {@link escapeJsonText}. */
export function safeJson(value: unknown, indent?: number): string {
  return escapeJsonText(JSON.stringify(value, null, indent) ?? 'null');
}

/** Cell starts a spreadsheet reads as a formula (OWASP "CSV injection"), full-width forms included. */
const FORMULA_START = /^[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]/;
/** A plain number (with a sign) is data, not a formula: "-3", "+1.5". */
const PLAIN_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * One RFC 4180 CSV field that no spreadsheet executes and no terminal interprets:
 * - a text starting with `=`, `+`, `-`, `@`, tab or CR (or their full-width forms) gets a
 *   leading `'`, so spreadsheets show it as text (plain signed numbers stay as they are);
 * - controls and invisible characters are marked, LF excepted (kept inside a quoted field);
 * - the field is quoted when it holds a comma, quote or line break, quotes doubled.
 */
export function csvField(value: unknown): string {
  const raw = asText(value);
  const neutral = typeof value === 'string' && FORMULA_START.test(raw) && !PLAIN_NUMBER.test(raw) ? `'${raw}` : raw;
  const text = visible(neutral, '\n');
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV line (no line break). */
export function csvLine(fields: readonly unknown[]): string {
  return fields.map(csvField).join(',');
}

/** ASCII punctuation that opens or closes an inline CommonMark/GFM construct or a table cell. */
const MARKDOWN_INLINE = /[\\`*_[\]<>|~&!]/g;
/** What starts a block (heading, list, quote, setext underline, numbered item) at a line or cell start. */
const MARKDOWN_BLOCK_START = /^(\s*)([#>+\-=]|\d+[.)])/;

/**
 * Untrusted text inside Markdown (a paragraph, list item or table cell), one line: controls are
 * marked and line breaks (CR, LF, U+2028/9) too, so a value cannot start a heading, list or
 * table row of its own; the punctuation of inline constructs is backslash-escaped, so it cannot
 * open a link, image, emphasis, code span, autolink in angle brackets, raw HTML or an entity
 * (`<`, `&` escaped), and `|` cannot end a table cell; a leading `#`, `>`, `+`, `-`, `=` or
 * `1.` is escaped too. Backslash escapes are CommonMark's own: rendered, the text reads as is.
 */
export function markdownText(value: unknown): string {
  return visible(asText(value))
    .replace(MARKDOWN_INLINE, (ch) => `\\${ch}`)
    .replace(MARKDOWN_BLOCK_START, (_, space: string, start: string) => `${space}${start.replace(/[^\d]/, (ch) => `\\${ch}`)}`);
}

/**
 * Untrusted text inside a Markdown code span: marked controls, no backticks possible to close
 * it early (a backtick becomes the visible `[U+0060]`).
 */
export function markdownCode(value: unknown): string {
  return `\`${visible(asText(value)).replace(/`/g, marker('`'))}\``;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

/** Untrusted text for HTML text or a quoted attribute value: entity-encoded, controls marked. */
export function htmlText(value: unknown): string {
  return visible(asText(value)).replace(/[&<>"'`]/g, (ch) => HTML_ESCAPES[ch] ?? ch);
}

/** A mail subject or other header value: one line, no controls, bounded length. */
export function headerLine(value: unknown, max = 200): string {
  const line = visible(asText(value).replace(/\r\n|\r|\n/g, ' '));
  if (line.length <= max) return line;
  return `${line.slice(0, Math.max(0, max - 1)).replace(/\[U\+[0-9A-F]{0,5}$/, '').replace(/[\ud800-\udbff]$/, '')}…`;
}

/**
 * A short, safe excerpt of what an input file holds, for an error message that has to show it
 * (a CLI error instead of JSON, binary garbage): only the first `max` bytes (or characters) are
 * looked at, decoded as UTF-8 (invalid bytes become U+FFFD), controls marked, and the result
 * bounded; a cut says how large the whole was.
 */
export function excerpt(content: string | Uint8Array, max = 160): string {
  const isText = typeof content === 'string';
  const total = isText ? content.length : content.byteLength;
  const sample = isText ? content.slice(0, max) : Buffer.from(content.subarray(0, max)).toString('utf8');
  const text = visible(sample.trim());
  const shown = text.length > max ? text.slice(0, max).replace(/\[U\+[0-9A-F]{0,5}$/, '').replace(/[\ud800-\udbff]$/, '') : text;
  return shown.length < text.length || max < total ? `${shown}… (${total} ${isText ? 'characters' : 'bytes'} in all)` : shown;
}
