/**
 * Headless Chromium for the console's browser tests and its docs screenshot: the one art32
 * launcher (lib/support/chromium.ts: Debian's `chromium`, offline flags, sandboxed unless
 * running as root, fresh profile), with a browser context of the given viewport.
 */
import type { BrowserContext } from 'playwright-core';
import { findChromium, launchChromium } from '../support/chromium';

export interface ConsoleBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

export { findChromium };

export async function launchBrowser(executablePath: string, viewport = { width: 1280, height: 900 }): Promise<ConsoleBrowser> {
  const browser = await launchChromium(executablePath);
  const context = await browser.newContext({ viewport });
  return {
    context,
    close: async () => {
      await context.close();
      await browser.close();
    },
  };
}
