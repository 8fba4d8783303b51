import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  csvField,
  csvLine,
  escapeJsonText,
  excerpt,
  hasUnsafeCharacters,
  headerLine,
  htmlText,
  markdownCode,
  markdownText,
  safeJson,
  terminalBlock,
  terminalText,
  visible,
} from '../../../lib/support/sanitize';

/**
 * Strings an attacker would choose: full Unicode (lone surrogates included) mixed with the
 * characters that matter to terminals, spreadsheets and markup, so a run hits them often.
 */
const HOSTILE_PIECES = ['\u001b[2K', '\u001b]8;;http://x\u0007', '\u009b31m', '\r', '\n', '\t', '\u202e', '\u2066', '\u200b', '\u2028', '\udb40\udc41', '\ud800', '=', '+', '-', '@', '"', ',', '|', '<', '>', '&', '`', '*', '_', '[', ']', '(', ')', '#', '!', '\\', "'", '１', '＝'];
const hostileString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.array(fc.oneof(fc.constantFrom(...HOSTILE_PIECES), fc.string({ unit: 'grapheme', maxLength: 4 })), { maxLength: 20 }).map((parts) => parts.join('')),
);
const RUNS = { numRuns: 500 };

/** Characters no sink may ever emit raw (whatever it keeps on purpose is passed in `allowed`). */
function onlySafe(text: string, allowed = ''): boolean {
  return !hasUnsafeCharacters([...text].filter((ch) => !allowed.includes(ch)).join(''));
}

/** A strict RFC 4180 reader for one line of fields (LF allowed inside quotes). */
function parseCsvRecord(line: string): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= line.length) throw new Error('unterminated quote');
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            value += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += line[i];
        i++;
      }
      fields.push(value);
    } else {
      const end = line.indexOf(',', i);
      const value = line.slice(i, end === -1 ? line.length : end);
      if (/["\n]/.test(value)) throw new Error(`unquoted field holds a quote or line break: ${JSON.stringify(value)}`);
      fields.push(value);
      i = end === -1 ? line.length : end;
    }
    if (i >= line.length) return fields;
    if (line[i] !== ',') throw new Error(`junk after a quoted field at ${i}`);
    i++;
  }
}

const decodeEntities = (html: string): string =>
  html.replace(/&(amp|lt|gt|quot|#39|#96);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#96': '`' })[e] ?? '');

describe('terminal text', () => {
  it('a value never reaches the terminal with a control, bidi or invisible character, nor a line break or tab', () => {
    fc.assert(fc.property(hostileString, (s) => onlySafe(terminalText(s))), RUNS);
  });

  it('an assembled block keeps only its LF and tab layout', () => {
    fc.assert(fc.property(hostileString, (s) => onlySafe(terminalBlock(s), '\n\t')), RUNS);
  });

  it('marks, does not drop: the fake-PASS attack stays visible as text', () => {
    const attack = 'arn:aws:iam::1:user/x\r\u001b[2K\u001b[32mPASS\u001b[0m \u202eevil';
    expect(terminalText(attack)).toBe('arn:aws:iam::1:user/x[U+000D][U+001B][2K[U+001B][32mPASS[U+001B][0m [U+202E]evil');
  });

  it('safe text is unchanged (names with accents, CJK, emoji, right-to-left letters)', () => {
    for (const s of ['Élodie Martin', '運用チーム', 'ops 🚀', 'مدير', 'arn:aws:iam::123456789012:role/a-b_c']) expect(terminalText(s)).toBe(s);
  });

  it('bounds a value when asked, never splitting a marker', () => {
    fc.assert(
      fc.property(hostileString, fc.integer({ min: 1, max: 40 }), (s, max) => {
        const out = terminalText(s, max);
        return onlySafe(out) && (out === visible(s) || /… \(\d+ more characters\)$/.test(out));
      }),
      RUNS,
    );
  });
});

describe('JSON on a terminal', () => {
  it('is still the same JSON (lossless) and carries no raw unsafe character', () => {
    fc.assert(
      fc.property(fc.jsonValue(), hostileString, (value, s) => {
        const doc = { value, s, nested: [s, { [s]: s }] };
        const out = safeJson(doc, 2);
        return onlySafe(out, '\n') && JSON.stringify(JSON.parse(out)) === JSON.stringify(doc);
      }),
      RUNS,
    );
  });

  it('escapes a C1 CSI and U+2028 that JSON.stringify leaves raw', () => {
    expect(escapeJsonText(JSON.stringify('\u009b2J\u2028'))).toBe('"\\u009b2J\\u2028"');
  });
});

describe('CSV fields', () => {
  it('parse back to exactly one field per value, never start as a formula, and hold no control but LF', () => {
    fc.assert(
      fc.property(fc.array(hostileString, { minLength: 1, maxLength: 6 }), (values) => {
        const fields = parseCsvRecord(csvLine(values));
        expect(fields).toHaveLength(values.length);
        fields.forEach((field, i) => {
          expect(onlySafe(field, '\n')).toBe(true);
          if (/^[=+\-@\t\r＝＋－＠]/.test(values[i] as string) && !/^[+-]?[\d.]/.test(values[i] as string)) expect(field.startsWith("'")).toBe(true);
          expect(/^[=+\-@\t\r＝＋－＠]/.test(field) && !/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(field)).toBe(false);
        });
      }),
      RUNS,
    );
  });

  it('neutralises the classic payloads and leaves numbers as numbers', () => {
    expect(csvField('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvField('@SUM(1)')).toBe("'@SUM(1)");
    expect(csvField('+cmd')).toBe("'+cmd");
    expect(csvField('\t=1')).toBe("'[U+0009]=1");
    expect(csvField('-3')).toBe('-3');
    expect(csvField(-3)).toBe('-3');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField(undefined)).toBe('');
    expect(csvField({ a: 1 })).toBe('"{""a"":1}"');
  });
});

describe('Markdown text', () => {
  it('stays on one line, holds no control, and every markup character is backslash-escaped (unescaping gives the marked text back)', () => {
    fc.assert(
      fc.property(hostileString, (s) => {
        const out = markdownText(s);
        expect(onlySafe(out)).toBe(true);
        expect(out).not.toMatch(/[\n\r]/);
        // Every special character is preceded by an (escaping) backslash.
        expect(out.replace(/\\[\\`*_[\]<>|~&!#>+\-=.)]/g, '')).not.toMatch(/[\\`*_[\]<>|~&!]/);
        expect(out.replace(/\\([\\`*_[\]<>|~&!#>+\-=.)])/g, '$1')).toBe(visible(s));
      }),
      RUNS,
    );
  });

  it('cannot close a table cell, open raw HTML, a link or a heading', () => {
    expect(markdownText('# x | <img src=x onerror=alert(1)> [a](javascript:b)')).toBe('\\# x \\| \\<img src=x onerror=alert(1)\\> \\[a\\](javascript:b)');
    expect(markdownText('line\r\n| evil | row |')).toBe('line\\[U+000D\\]\\[U+000A\\]\\| evil \\| row \\|');
  });

  it('a code span cannot be closed early', () => {
    fc.assert(fc.property(hostileString, (s) => /^`[^`]*`$/.test(markdownCode(s)) && onlySafe(markdownCode(s))), RUNS);
  });
});

describe('HTML text', () => {
  it('holds no markup character and decodes to the marked text', () => {
    fc.assert(
      fc.property(hostileString, (s) => {
        const out = htmlText(s);
        return onlySafe(out) && !/[<>"'`]/.test(out) && !/&(?!(amp|lt|gt|quot|#39|#96);)/.test(out) && decodeEntities(out) === visible(s);
      }),
      RUNS,
    );
  });
});

describe('header line (mail subject)', () => {
  it('is one bounded line without controls', () => {
    fc.assert(fc.property(hostileString, (s) => onlySafe(headerLine(s, 50)) && headerLine(s, 50).length <= 50), RUNS);
  });
});

describe('excerpt of an input file', () => {
  it('shows a bounded, marked excerpt of any bytes and says how large the whole was', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        const out = excerpt(bytes, 40);
        return onlySafe(out) && out.length <= 40 + 40;
      }),
      RUNS,
    );
    const garbage = new Uint8Array(50 * 1024 * 1024).fill(0x1b);
    const out = excerpt(garbage, 40);
    expect(out).toMatch(/^(\[U\+001B\]){5}… \(52428800 bytes in all\)$/);
  });

  it('shows a short CLI error as it is', () => {
    expect(excerpt('\nAn error occurred (ExpiredToken) when calling the GetCallerIdentity operation\n')).toBe('An error occurred (ExpiredToken) when calling the GetCallerIdentity operation');
  });
});
