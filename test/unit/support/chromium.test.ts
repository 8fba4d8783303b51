/**
 * Chromium as art32 starts it (lib/support/chromium.ts): sandboxed unless Chromium cannot be,
 * and printing runs no script and fetches nothing, whatever the HTML holds.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPrintArgs, printToPdf } from '../../../lib/report/pdf';
import { findChromium, sandboxArgs } from '../../../lib/support/chromium';

const exec = promisify(execFile);

describe('the sandbox decision', () => {
  it('an ordinary user prints with the sandbox on', () => {
    expect(sandboxArgs(1000, {})).toEqual({ args: [] });
    expect(chromiumPrintArgs('a.html', 'a.pdf', '/tmp/p', 1000, {})).not.toContain('--no-sandbox');
  });

  it('root (Chromium refuses its sandbox there) or an explicit opt-out turns it off, with the reason', () => {
    expect(sandboxArgs(0, {})).toEqual({ args: ['--no-sandbox'], reason: expect.stringContaining('root') });
    expect(sandboxArgs(1000, { ART32_CHROMIUM_NO_SANDBOX: '1' })).toEqual({ args: ['--no-sandbox'], reason: 'ART32_CHROMIUM_NO_SANDBOX=1' });
    expect(chromiumPrintArgs('a.html', 'a.pdf', '/tmp/p', 0, {})).toContain('--no-sandbox');
  });
});

const chromium = findChromium();
const hasPdftotext = await exec('pdftotext', ['-v']).then(() => true, () => false);

describe.skipIf(!chromium || !hasPdftotext)('printing an HTML file to PDF', () => {
  let dir: string;
  let server: Server;
  let requests = 0;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'art32-pdf-'));
    server = createServer((_req, res) => {
      requests += 1;
      res.end('x');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await rm(dir, { recursive: true, force: true });
  });

  it('runs no script and loads nothing from the network', async () => {
    const { port } = server.address() as AddressInfo;
    const html = path.join(dir, 'hostile.html');
    await writeFile(
      html,
      `<!doctype html><html><head><title>t</title><link rel="stylesheet" href="http://127.0.0.1:${port}/s.css"></head><body>` +
        `<p id="x">STATIC TEXT</p><img src="http://127.0.0.1:${port}/pixel.png" alt="">` +
        `<script>document.getElementById('x').textContent = 'SCRIPT RAN'; fetch('http://127.0.0.1:${port}/beacon');</script></body></html>`,
    );
    const pdf = path.join(dir, 'out.pdf');
    expect(await printToPdf(html, pdf, chromium as string)).toBeGreaterThan(0);
    const { stdout } = await exec('pdftotext', [pdf, '-']);
    expect(stdout).toContain('STATIC TEXT');
    expect(stdout).not.toContain('SCRIPT RAN');
    expect(requests).toBe(0);
  });
});
