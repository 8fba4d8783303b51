/**
 * `npm run licences`: an offline check of every package in package-lock.json, for the rule
 * "only permissive licences, never GPL/AGPL" (docs/security.md). No network, no new
 * dependency: it reads the lockfile and each installed package's own package.json.
 *
 * - Licence of each package = the SPDX expression in its installed package.json (what the
 *   authors ship), else the lockfile's. `A OR B` passes if one side passes; `A AND B` needs both.
 * - Permissive (allowed everywhere): {@link PERMISSIVE}.
 * - Weak copyleft (MPL, EPL, LGPL, …): allowed only in development dependencies (never in
 *   what the CLI, the functions or the stack ship), listed as such.
 * - Strong copyleft (GPL, AGPL, SSPL, …), unknown or missing licences: a failure, exit 1.
 * - Lockfile integrity: an entry that records where it came from must be registry.npmjs.org
 *   with a sha512 integrity, and every installed version must be the locked one (a hand-edited
 *   or swapped package is named).
 *
 * Known vulnerabilities need an advisory database, which this machine cannot reach:
 * `npm audit --package-lock-only --omit=dev` runs where registry.npmjs.org is reachable
 * (docs/security.md says how).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export const PERMISSIVE = new Set(['MIT', 'MIT-0', 'ISC', 'Apache-2.0', 'BSD-2-Clause', 'BSD-3-Clause', '0BSD', 'BlueOak-1.0.0', 'Python-2.0', 'CC0-1.0', 'Unlicense', 'CC-BY-3.0', 'CC-BY-4.0', 'Zlib', 'BSL-1.0']);
export const WEAK_COPYLEFT = /^(MPL-\d|EPL-\d|LGPL-\d|CDDL-\d)/;

export type Verdict = 'permissive' | 'weak-copyleft' | 'forbidden';

/** The verdict for one SPDX expression (`(MIT OR GPL-3.0-or-later)`, `MIT AND CC-BY-4.0`, …). */
export function licenceVerdict(expression: string | undefined): Verdict {
  if (!expression) return 'forbidden';
  const rank: Record<Verdict, number> = { permissive: 0, 'weak-copyleft': 1, forbidden: 2 };
  const worst = (a: Verdict, b: Verdict): Verdict => (rank[a] >= rank[b] ? a : b);
  const best = (a: Verdict, b: Verdict): Verdict => (rank[a] <= rank[b] ? a : b);
  const cleaned = expression.replace(/[()]/g, ' ').trim();
  // OR binds looser than AND (SPDX): the best alternative, each the worst of its AND terms.
  return cleaned
    .split(/\s+OR\s+/i)
    .map((alt) =>
      alt
        .split(/\s+AND\s+/i)
        .map((id) => id.trim().replace(/\+$/, ''))
        .map((id): Verdict => (PERMISSIVE.has(id) ? 'permissive' : WEAK_COPYLEFT.test(id) ? 'weak-copyleft' : 'forbidden'))
        .reduce(worst, 'permissive'),
    )
    .reduce(best, 'forbidden');
}

interface LockEntry {
  version?: string;
  license?: string;
  resolved?: string;
  integrity?: string;
  dev?: boolean;
  optional?: boolean;
  link?: boolean;
}

export interface PackageFinding {
  name: string;
  path: string;
  version: string;
  licence: string | undefined;
  dev: boolean;
  problem: string;
}

export interface LicenceReport {
  packages: number;
  byLicence: Record<string, number>;
  /** Weak copyleft in development dependencies only: allowed, listed. */
  devOnlyWeakCopyleft: PackageFinding[];
  problems: PackageFinding[];
  /** Packages whose lock entry has no `integrity` (their bytes cannot be pinned). */
  unpinned: number;
}

function licenceOf(pkg: { license?: unknown; licenses?: unknown }): string | undefined {
  if (typeof pkg.license === 'string') return pkg.license;
  if (pkg.license && typeof pkg.license === 'object' && 'type' in pkg.license) return String((pkg.license as { type: unknown }).type);
  if (Array.isArray(pkg.licenses)) return pkg.licenses.map((l: { type?: string }) => l.type).filter(Boolean).join(' OR ') || undefined;
  return undefined;
}

/** Check the lockfile at `root` against the packages installed under it. */
export function checkLicences(root: string): LicenceReport {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { lockfileVersion?: number; packages?: Record<string, LockEntry> };
  if (!lock.packages) throw new Error(`${join(root, 'package-lock.json')}: no "packages" (lockfile version ${lock.lockfileVersion ?? '?'}; npm 7+ writes version 2 or 3)`);
  const report: LicenceReport = { packages: 0, byLicence: {}, devOnlyWeakCopyleft: [], problems: [], unpinned: 0 };
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path === '' || entry.link) continue;
    const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    const manifestPath = join(root, path, 'package.json');
    const installed = existsSync(manifestPath) ? (JSON.parse(readFileSync(manifestPath, 'utf8')) as { version?: string; license?: unknown; licenses?: unknown }) : undefined;
    // Optional packages for other platforms are locked but not installed: nothing of them runs here.
    if (!installed && entry.optional) continue;
    report.packages += 1;
    const licence = (installed && licenceOf(installed)) ?? entry.license;
    report.byLicence[licence ?? '(none)'] = (report.byLicence[licence ?? '(none)'] ?? 0) + 1;
    const base = { name, path, version: entry.version ?? '?', licence, dev: entry.dev === true };
    const verdict = licenceVerdict(licence);
    if (verdict === 'forbidden') report.problems.push({ ...base, problem: licence ? `licence ${licence} is not permissive` : 'no licence declared' });
    else if (verdict === 'weak-copyleft') {
      if (base.dev) report.devOnlyWeakCopyleft.push({ ...base, problem: `weak copyleft (${licence}) in a development dependency only` });
      else report.problems.push({ ...base, problem: `weak copyleft (${licence}) in a shipped dependency` });
    }
    if (!installed) report.problems.push({ ...base, problem: 'locked but not installed (run npm ci)' });
    else if (installed.version !== entry.version) report.problems.push({ ...base, problem: `installed ${installed.version ?? '?'} but the lockfile says ${entry.version ?? '?'}` });
    // A lockfile written offline (or with --no-package-lock-resolved) carries neither field: counted, not failed.
    // (npm also omits `resolved` for registry packages with omit-lockfile-registry-resolved.)
    if (entry.integrity === undefined) report.unpinned += 1;
    else if (!entry.integrity.startsWith('sha512-')) report.problems.push({ ...base, problem: `integrity ${entry.integrity.slice(0, 12)}… is not sha512` });
    if (entry.resolved !== undefined && !entry.resolved.startsWith('https://registry.npmjs.org/')) {
      report.problems.push({ ...base, problem: `resolved from ${entry.resolved}, not https://registry.npmjs.org/` });
    }
  }
  return report;
}

export function formatReport(report: LicenceReport): string {
  const lines = [`${report.packages} installed packages checked against package-lock.json (offline)`];
  for (const [licence, n] of Object.entries(report.byLicence).sort((a, b) => b[1] - a[1])) lines.push(`  ${String(n).padStart(4)}  ${licence}`);
  if (report.devOnlyWeakCopyleft.length) {
    lines.push(`allowed, development only (not shipped): ${report.devOnlyWeakCopyleft.map((p) => `${p.name}@${p.version} (${p.licence})`).join(', ')}`);
  }
  if (report.unpinned > 0) lines.push(`note: ${report.unpinned} lock entries carry no integrity hash (bundled or linked packages; npm verifies the others on install)`);
  if (report.problems.length === 0) lines.push('OK: every licence is permissive (or weak copyleft in development tools only); every package is the locked one');
  for (const p of report.problems) lines.push(`FAIL  ${p.name}@${p.version}${p.dev ? ' (dev)' : ''}: ${p.problem}`);
  lines.push('known vulnerabilities: not checked offline; where registry.npmjs.org is reachable run `npm audit --package-lock-only --omit=dev` (docs/security.md)');
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const root = resolve(process.argv[2] ?? '.');
  try {
    const report = checkLicences(root);
    process.stdout.write(`${formatReport(report)}\n`);
    process.exitCode = report.problems.length > 0 ? 1 : 0;
  } catch (error) {
    process.stderr.write(`licences: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  }
}
