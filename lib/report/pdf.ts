/**
 * `npm run report:pdf -- <audit.html> [audit.pdf]`: print the audit report to PDF with
 * headless Chromium when it is installed. Without Chromium this is not an error (exit 0):
 * any browser prints the HTML just as well, and the message says so.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

export const NOT_FOUND_MESSAGE =
  'chromium not found: install the Debian package chromium (apt-get install chromium), set CHROMIUM_PATH, or print the HTML from any browser (File → Print → Save as PDF)';

/** The Chromium binary to use, or undefined. `CHROMIUM_PATH` wins. */
export function findChromium(env: NodeJS.ProcessEnv = process.env, exists: (p: string) => boolean = existsSync): string | undefined {
  if (env.CHROMIUM_PATH) return exists(env.CHROMIUM_PATH) ? env.CHROMIUM_PATH : undefined;
  return CANDIDATES.find((p) => exists(p));
}

/** Arguments for a headless, offline, profile-less print of `htmlFile` to `pdfFile`. */
export function chromiumPrintArgs(htmlFile: string, pdfFile: string, userDataDir: string): string[] {
  return [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    `--user-data-dir=${userDataDir}`,
    '--no-pdf-header-footer',
    `--print-to-pdf=${pdfFile}`,
    pathToFileURL(resolve(htmlFile)).href,
  ];
}

export async function printToPdf(htmlFile: string, pdfFile: string, chromium: string): Promise<number> {
  const profile = await mkdtemp(join(tmpdir(), 'art32-chromium-'));
  try {
    await new Promise<void>((ok, fail) =>
      execFile(chromium, chromiumPrintArgs(htmlFile, pdfFile, profile), { timeout: 120_000 }, (error, _stdout, stderr) =>
        error ? fail(new Error(`${chromium} failed: ${error.message}\n${stderr}`)) : ok(),
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
