/**
 * Headless Chromium for the console's browser tests and its docs screenshot: Debian's
 * `chromium` driven by playwright-core (no bundled browser download), offline flags, a fresh
 * profile each time (removed on close).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { findChromium } from '../report/pdf';

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export interface ConsoleBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

export { findChromium };

export async function launchBrowser(executablePath: string, viewport = { width: 1280, height: 900 }): Promise<ConsoleBrowser> {
  const { chromium } = await import('playwright-core');
  const profile = await mkdtemp(join(tmpdir(), 'art32-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath, headless: true, args: CHROMIUM_ARGS, viewport, timeout: 60_000 });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
