/**
 * The audit document of the demo run, printed to PDF by headless Chromium as an auditor
 * would print it: a few compact pages (not one page per requirement), page 1 used, no
 * overlapping text and no horizontal overflow — on screen and in the print layout, where
 * Chromium clips overflowing content silently instead of scrolling.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { chromiumPath, launchChromium, MEASURE_LAYOUT, SKIP_REASON, type LayoutIssues } from './chromium';

const executable = chromiumPath();
if (!executable) console.warn(SKIP_REASON);

/** Elements whose content is wider than their own box (print clips it: text cut off the page). */
const WIDER_THAN_PAGE = `(() => {
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    if (el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0 && getComputedStyle(el).overflowX !== 'visible') out.push(el.tagName + ' ' + (el.textContent || '').slice(0, 40));
    const r = el.getBoundingClientRect();
    if (r.right > document.documentElement.clientWidth + 1) out.push(el.tagName + ' past the right edge: ' + (el.textContent || '').slice(0, 40));
  }
  return out.slice(0, 20);
})()`;

function art32(args: string[]): void {
  const r = spawnSync(process.execPath, ['bin/art32.mjs', ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`art32 ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
}

/** Share of the page height above the last row of the page that holds any ink (poppler's pdftoppm, greyscale). */
function inkDepth(pdf: string, page: number): number {
  const out = spawnSync('pdftoppm', ['-f', String(page), '-l', String(page), '-r', '20', '-gray', pdf], { maxBuffer: 1 << 24 });
  if (out.status !== 0) throw new Error(`pdftoppm failed: ${out.stderr.toString()}`);
  const buf = out.stdout;
  // PGM: "P5\n<w> <h>\n255\n" then w*h bytes.
  const header = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(buf.subarray(0, 40).toString('latin1'));
  if (!header) throw new Error('pdftoppm did not return a PGM');
  const [, w, h] = header.map(Number) as [number, number, number];
  const pixels = buf.subarray(header[0].length);
  let last = 0;
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if ((pixels[y * w + x] ?? 255) < 160) last = y;
  return last / h;
}

describe.skipIf(!executable)('audit document printed by Chromium', () => {
  let browser: Browser;
  let dir: string;
  let html: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'art32-audit-render-'));
    art32(['collect', '--scenario', 'france-travail', '--collected-at', '2026-01-22T06:00:00Z', '--run-id', 'demo-run', '--data-dir', join(dir, 'data')]);
    art32(['report', '--audit', '--account', '111122223333', '--from', '2026-01-01', '--to', '2026-01-31', '--now', '2026-01-31T00:00:00Z', '--html', join(dir, 'audit.html'), '--data-dir', join(dir, 'data')]);
    html = readFileSync(join(dir, 'audit.html'), 'utf8');
    browser = await launchChromium(executable as string);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('prints one demo run in a few pages with page 1 used, page numbers and the account/period header', async () => {
    const page = await browser.newPage();
    await page.setContent(html, { waitUntil: 'load' });
    const pdf = await page.pdf({ format: 'A4', preferCSSPageSize: true });
    await page.close();
    const file = join(dir, 'audit.pdf');
    writeFileSync(file, pdf);
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page(?!s)/g) ?? []).length;
    console.log(`audit document of the demo run: ${pages} A4 pages, ${pdf.length} bytes`);
    expect(pages).toBeGreaterThanOrEqual(2);
    // One run of the demo (24 records): 9 pages before the compact layout, 22 before that.
    expect(pages).toBeLessThanOrEqual(6);
    expect(inkDepth(file, 1)).toBeGreaterThan(0.75);
    const text = spawnSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).stdout;
    if (text) {
      expect(text).toContain(`page 1 of ${pages}`);
      expect(text).toContain('account 111122223333');
    }
  });

  it('lays out the print version (A4 content width) without overflow or overlapping text', async () => {
    // A4 minus the @page side margins (10 mm each): 190 mm at 96 px per inch.
    const page = await browser.newPage({ viewport: { width: Math.floor((190 / 25.4) * 96), height: 1100 } });
    await page.emulateMedia({ media: 'print' });
    await page.setContent(html, { waitUntil: 'load' });
    const m = (await page.evaluate(MEASURE_LAYOUT)) as LayoutIssues;
    const wide = (await page.evaluate(WIDER_THAN_PAGE)) as string[];
    await page.close();
    expect(m.scrollWidth).toBeLessThanOrEqual(m.clientWidth);
    expect(wide).toEqual([]);
    expect(m.overlaps).toEqual([]);
  });

  for (const width of [800, 1280]) {
    it(`has no overlapping text and no horizontal overflow on screen at ${width} px`, async () => {
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      await page.setContent(html, { waitUntil: 'load' });
      const m = (await page.evaluate(MEASURE_LAYOUT)) as LayoutIssues;
      await page.close();
      expect(m.scrollWidth).toBeLessThanOrEqual(m.clientWidth);
      expect(m.overlaps).toEqual([]);
    });
  }
});
