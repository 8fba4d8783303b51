/**
 * Plain-text and CSV rendering helpers shared by the CLI commands. No colours: output is
 * read in terminals, CI logs and e-mails alike. Every value shown goes through
 * lib/support/sanitize (audited parties choose names, ARNs and log contents).
 */

import { terminalText } from '../support/sanitize';

/** CSV (RFC 4180, formula prefixes neutralised) comes from the one sanitising layer. */
export { csvField, csvLine } from '../support/sanitize';

const MAX_LIST = 5;

/** A short human rendering of one observed/threshold value; objects become a count. */
export function shortValue(value: unknown): string | undefined {
  if (value === null) return 'null';
  if (typeof value === 'string') {
    const text = terminalText(value);
    return text.length > 80 ? `${text.slice(0, 77)}…` : text;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (value.every((v) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')) {
      const shown = value.slice(0, MAX_LIST).map((v) => terminalText(v)).join(', ');
      return `[${shown}${value.length > MAX_LIST ? `, … (${value.length} in all)` : ''}]`;
    }
    return `(${value.length} items)`;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length <= 3 && entries.every(([, v]) => v === null || ['string', 'number', 'boolean'].includes(typeof v))) {
      return `{${entries.map(([k, v]) => `${terminalText(k)}: ${terminalText(v === null ? 'null' : v)}`).join(', ')}}`;
    }
    return `{${entries.length} fields}`;
  }
  return undefined;
}

/** `key=value` pairs of the scalar and short facts of a record, for one line of output. */
export function factsLine(record: Record<string, unknown>, maxLength = 220): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(record)) {
    const shown = shortValue(value);
    if (shown !== undefined) parts.push(`${terminalText(key)}=${shown}`);
  }
  const line = parts.join(', ');
  return line.length > maxLength ? `${line.slice(0, maxLength - 1)}…` : line;
}

/** One table cell: the value made safe for a terminal line (no control, bidi or line break), padded to a width. */
export const pad = (value: string, width: number): string => {
  const text = terminalText(value);
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
};

/** Levenshtein distance, for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] as number;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const temp = prev[j] as number;
      prev[j] = Math.min((prev[j] as number) + 1, (prev[j - 1] as number) + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = temp;
    }
  }
  return prev[b.length] as number;
}

/** Candidates close to `input`: small edit distance, or sharing the part after the area prefix. */
export function closeMatches(input: string, candidates: readonly string[], limit = 3): string[] {
  const needle = input.toLowerCase();
  const tail = needle.split('.').pop() ?? needle;
  return candidates
    .map((c) => {
      const lc = c.toLowerCase();
      const ctail = lc.split('.').pop() ?? lc;
      // A misspelt start of a long id ("pasword" for "password-strength") counts too.
      const prefixDistance = editDistance(tail, ctail.slice(0, tail.length + 1));
      const distance = Math.min(editDistance(needle, lc), editDistance(tail, ctail), prefixDistance);
      const contains = tail.length >= 3 && (lc.includes(tail) || ctail.includes(tail) || tail.includes(ctail));
      return { c, score: contains ? 0 : distance };
    })
    .filter((x) => x.score <= Math.max(2, Math.floor(tail.length / 3)))
    .sort((a, b) => a.score - b.score || a.c.localeCompare(b.c))
    .slice(0, limit)
    .map((x) => x.c);
}
