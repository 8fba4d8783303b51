/**
 * `npm run report:pdf -- <audit.html> [audit.pdf]`: print the audit report to PDF with
 * headless Chromium when it is installed. Without Chromium this is not an error (exit 0):
 * any browser prints the HTML just as well, and the message says so.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromiumArgs, findChromium, lockedDownHtml, NOT_FOUND_MESSAGE } from '../support/chromium';

export { findChromium, NOT_FOUND_MESSAGE };

/**
 * Arguments for a headless, offline, profile-less print of `htmlFile` to `pdfFile`: sandboxed
 * unless Chromium cannot be (lib/support/chromium.ts). `htmlFile` should be the locked-down
 * copy {@link printToPdf} makes (no script, no network).
 */
export function chromiumPrintArgs(htmlFile: string, pdfFile: string, userDataDir: string, uid?: number, env?: NodeJS.ProcessEnv): string[] {
  return [...chromiumArgs(uid, env), `--user-data-dir=${userDataDir}`, '--no-pdf-header-footer', `--print-to-pdf=${pdfFile}`, pathToFileURL(resolve(htmlFile)).href];
}

export async function printToPdf(htmlFile: string, pdfFile: string, chromium: string): Promise<number> {
  const profile = await mkdtemp(join(tmpdir(), 'art32-chromium-'));
  try {
    // The page is printed from a private copy that forbids scripts and network (PRINT_CSP).
    const page = join(profile, 'print.html');
    await writeFile(page, lockedDownHtml(await readFile(htmlFile, 'utf8')), { mode: 0o600 });
    await new Promise<void>((ok, fail) =>
      execFile(chromium, chromiumPrintArgs(page, pdfFile, profile), { timeout: 120_000 }, (error, _stdout, stderr) =>
        error
          ? fail(new Error(`${chromium} failed: ${error.message}\n${stderr}${/No usable sandbox/i.test(stderr) ? '\nThis machine gives Chromium no sandbox (no user namespaces): set ART32_CHROMIUM_NO_SANDBOX=1 to print without it, or print the HTML from a browser' : ''}`))
          : ok(),
      ),
    );
    return (await stat(pdfFile)).size;
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
}

async function cli(argv: string[]): Promise<number> {
  const [input, output] = argv;
  if (!input || input.startsWith('-')) {
    process.stderr.write('usage: npm run report:pdf -- <audit.html> [audit.pdf]\n  (make the HTML with: art32 report --audit --account ID --from DATE --to DATE --html audit.html)\n');
    return 2;
  }
  if (!existsSync(input)) {
    process.stderr.write(`report:pdf: ${input} does not exist\n`);
    return 2;
  }
  const chromium = findChromium();
  if (!chromium) {
    process.stdout.write(`report:pdf: ${NOT_FOUND_MESSAGE}. Nothing printed.\n`);
    return 0;
  }
  const pdf = output ?? input.replace(/\.html?$/i, '') + '.pdf';
  const bytes = await printToPdf(input, pdf, chromium);
  process.stdout.write(`report:pdf: wrote ${pdf} (${bytes} bytes) with ${chromium}\n`);
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  cli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`report:pdf: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
