/**
 * Page layout and small rendering helpers of the console. Every value goes through Hono's
 * `html` template, which escapes `& < > " '`; strings from audited accounts (user names,
 * aliases, messages quoting them) also go through `neutralize` (bidi overrides and invisible
 * characters shown as `[U+XXXX]`: `visible` of lib/support/sanitize.ts, art32's one encoding layer) and are direction-isolated in `<bdi>`.
 * No inline script, no style attribute: the one stylesheet is allowed by its hash (CSP).
 */
import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import { visible as neutralize } from '../support/sanitize';
import { TOOL_VERSION } from '../version';

export type Html = HtmlEscapedString;

export const CSS = `
:root{color-scheme:light;--fail:#a50e0e;--pass:#1b5e20;--warn:#7a4100;--line:#c8c8c8}
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#1a1a1a;background:#fff;margin:0;font-size:14px;line-height:1.45}
a{color:#0b4f9c}
a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,summary:focus-visible{outline:3px solid #1a73e8;outline-offset:2px}
.skip{position:absolute;left:-9999px;top:0;background:#fff;padding:6px 10px;z-index:10}
.skip:focus{left:8px;top:8px}
header{background:#14213d;color:#fff;padding:10px 20px;display:flex;gap:24px;align-items:center;flex-wrap:wrap}
header .brand{font-weight:700;font-size:16px}
header nav ul{list-style:none;margin:0;padding:0;display:flex;gap:16px;flex-wrap:wrap}
header a{color:#fff}
header a[aria-current=page]{text-decoration:underline 3px}
main{padding:16px 20px;max-width:1400px}
footer{padding:10px 20px;color:#555;border-top:1px solid var(--line);font-size:12px}
h1{font-size:22px;margin:4px 0 10px}
h2{font-size:17px;margin:18px 0 6px}
h3{font-size:15px;margin:14px 0 4px}
table{border-collapse:collapse;margin:6px 0 14px}
th,td{border:1px solid var(--line);padding:4px 6px;text-align:left;vertical-align:top}
th{background:#f0f1f3;font-weight:600}
th[scope=row]{font-weight:400}
caption{text-align:left;font-weight:600;padding:4px 0}
.wide{width:100%}
.mono,.hash{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,'Liberation Mono',monospace;font-size:12px;overflow-wrap:anywhere}
.hash{font-size:11px;word-break:break-all}
.muted{color:#555}
.FAIL,.ERROR,.bad{color:var(--fail);font-weight:700}
.PASS,.good{color:var(--pass);font-weight:700}
.WARN{color:var(--warn);font-weight:700}
.NOT_APPLICABLE{color:#444}
tr.tampered td{background:#fde8e8}
td.tampered,.badge.bad,p.tampered{background:#fde8e8}
p.integrity{padding:4px 8px;margin:6px 0}
.badge{display:inline-block;border:1px solid currentColor;border-radius:3px;padding:0 4px;font-size:12px}
table.heat td.cell{text-align:center;padding:0;min-width:26px}
table.heat td.cell a{display:block;padding:4px 2px;text-decoration:none;color:#111;font-size:11px}
table.heat td.c-FAIL{background:#e57373}
table.heat td.c-ERROR{background:#ffb74d}
table.heat td.c-WARN{background:#fff176}
table.heat td.c-PASS{background:#81c784}
table.heat td.c-NOT_APPLICABLE{background:#e0e0e0}
table.heat td.c-NONE{background:#fff}
table.heat th.col{font-weight:400;font-size:11px;writing-mode:vertical-rl;transform:rotate(180deg);white-space:nowrap}
.legend span{display:inline-block;padding:1px 6px;margin-right:6px;border:1px solid var(--line)}
.legend .c-FAIL{background:#e57373}.legend .c-ERROR{background:#ffb74d}.legend .c-WARN{background:#fff176}.legend .c-PASS{background:#81c784}.legend .c-NOT_APPLICABLE{background:#e0e0e0}
pre{background:#f6f7f9;border:1px solid var(--line);padding:6px;white-space:pre-wrap;overflow-wrap:anywhere;max-height:320px;overflow:auto;font-size:12px;margin:2px 0}
dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px}
dt{font-weight:600}
dd{margin:0}
form.inline{display:flex;gap:12px;align-items:end;flex-wrap:wrap;margin:8px 0}
form.inline label{display:flex;flex-direction:column;font-size:12px}
input,select,button{font:inherit;padding:3px 6px}
.pager{display:flex;gap:16px;margin:6px 0}
.box{border:1px solid var(--line);padding:8px 12px;margin:8px 0}
`;

/** An untrusted string: invisible/bidi characters made visible, escaped, direction-isolated. */
export function u(value: unknown): Html {
  return html`<bdi>${neutralize(String(value ?? ''))}</bdi>` as Html;
}

/** A status word with its colour class (a class from a fixed list, never from the data). */
export function status(value: string): Html {
  const known = ['PASS', 'FAIL', 'WARN', 'ERROR', 'NOT_APPLICABLE'];
  const cls = known.includes(value) ? value : 'bad';
  const label = value === 'NOT_APPLICABLE' ? 'N/A' : value === 'ERROR' ? 'NOT VERIFIED' : value;
  return html`<span class="${cls}">${neutralize(label)}</span>` as Html;
}

/** JSON for people: indented, bounded, escaped. */
export function json(value: unknown, max = 4000): Html {
  let text: string;
  try {
    text = JSON.stringify(value, null, 2) ?? 'undefined';
  } catch {
    text = String(value);
  }
  if (text.length > max) text = `${text.slice(0, max)}\n… (${text.length - max} more characters)`;
  // JSON.stringify escapes control characters inside strings: the raw newlines are its own layout.
  return html`<pre>${text.split('\n').map((line) => neutralize(line)).join('\n')}</pre>` as Html;
}

/** A query string from defined parameters (values encoded). */
export function qs(params: Record<string, string | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') p.set(k, v);
  const s = p.toString();
  return s ? `?${s}` : '';
}

export const NAV = [
  { href: '/', label: 'Overview' },
  { href: '/runs', label: 'Runs' },
  { href: '/verify', label: 'Verification' },
  { href: '/register', label: 'Register' },
  { href: '/activity', label: 'Activity' },
  { href: '/downloads', label: 'Downloads' },
] as const;

export interface PageInput {
  title: string;
  /** Which nav entry is current. */
  section: (typeof NAV)[number]['href'] | null;
  body: Html | Promise<Html>;
  /** Where the evidence is read from, shown in the footer. */
  storeDescription: string;
}

export async function page(input: PageInput): Promise<Html> {
  const body = await input.body;
  const nav = NAV.map((n) => html`<li><a href="${n.href}"${n.href === input.section ? raw(' aria-current="page"') : ''}>${n.label}</a></li>`);
  return html`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${input.title} · art32 evidence console</title>
<style>${raw(CSS)}</style></head>
<body><a class="skip" href="#main">Skip to content</a>
<header><span class="brand">art32 evidence console</span><nav aria-label="Main"><ul>${nav}</ul></nav></header>
<main id="main" tabindex="-1">${body}</main>
<footer>Read-only view of ${u(input.storeDescription)} · art32 ${TOOL_VERSION} · nothing on these pages changes the evidence.</footer>
</body></html>` as Html;
}
