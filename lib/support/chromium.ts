/**
 * One way to start Chromium for everything art32 renders: printing the audit document to PDF
 * (lib/report/pdf.ts), the console's browser tests and screenshot (lib/serve/browser.ts) and
 * the render tests (test/render/chromium.ts).
 *
 * - Debian's `chromium` (or `CHROMIUM_PATH`), never a downloaded browser.
 * - Headless, offline (no background networking, component update or sync), fresh profile.
 * - **Sandboxed whenever Chromium allows it.** Chromium refuses to start its sandbox as root
 *   ("Running as root without --no-sandbox is not supported"), so `--no-sandbox` is passed
 *   only for uid 0, or when `ART32_CHROMIUM_NO_SANDBOX=1` says the machine cannot provide one
 *   (a container without user namespaces). Run art32 as an ordinary user to keep the sandbox.
 * - Printing disables scripts and network: see {@link lockedDownHtml}.
 */
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

export const NOT_FOUND_MESSAGE =
  'chromium not found: install the Debian package chromium (apt-get install chromium), set CHROMIUM_PATH, or print the HTML from any browser (File → Print → Save as PDF)';

/** The Chromium binary to use, or undefined. `CHROMIUM_PATH` wins. */
export function findChromium(env: NodeJS.ProcessEnv = process.env, exists: (p: string) => boolean = existsSync): string | undefined {
  if (env.CHROMIUM_PATH) return exists(env.CHROMIUM_PATH) ? env.CHROMIUM_PATH : undefined;
  return CANDIDATES.find((p) => exists(p));
}

/** Headless and offline; no sandbox decision here (see {@link sandboxArgs}). */
export const CHROMIUM_BASE_ARGS: readonly string[] = ['--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export interface SandboxDecision {
  args: string[];
  /** Why the sandbox is off (undefined when it is on). */
  reason?: string;
}

/** `--no-sandbox` only where Chromium cannot sandbox: as root, or when the operator says so. */
export function sandboxArgs(uid: number | undefined = process.getuid?.(), env: NodeJS.ProcessEnv = process.env): SandboxDecision {
  if (uid === 0) return { args: ['--no-sandbox'], reason: 'running as root: Chromium does not start its sandbox for root' };
  if (env.ART32_CHROMIUM_NO_SANDBOX === '1') return { args: ['--no-sandbox'], reason: 'ART32_CHROMIUM_NO_SANDBOX=1' };
  return { args: [] };
}

/** Every argument for a headless art32 Chromium (base + the sandbox decision). */
export function chromiumArgs(uid?: number, env?: NodeJS.ProcessEnv): string[] {
  return [...CHROMIUM_BASE_ARGS, ...sandboxArgs(uid, env).args];
}

/**
 * Content-Security-Policy put in front of an HTML file before printing it: no script runs,
 * nothing is fetched (inline styles and data: images/fonts only). Chromium's own switch for
 * scripts (`--blink-settings=scriptEnabled=false`) also stops `--print-to-pdf` from writing
 * anything, so the page itself forbids them.
 */
export const PRINT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:";

/** `html` with {@link PRINT_CSP} first: a `<meta>` before `<html>` is placed in `<head>` by the parser, ahead of any script. */
export function lockedDownHtml(html: string): string {
  return `<meta http-equiv="Content-Security-Policy" content="${PRINT_CSP}">\n${html}`;
}

/** A fresh headless browser driven by playwright-core (its own temporary profile). */
export async function launchChromium(executablePath: string): Promise<Browser> {
  // playwright-core is a development dependency: loaded only when a browser is wanted.
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath, args: chromiumArgs(), headless: true, timeout: 60_000 });
}
