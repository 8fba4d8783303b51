/**
 * The attacks of issue #21 on art32's readers and printers, each as the audited party would
 * mount it through the files it hands over (an export directory, a CloudTrail log tree).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ActivityAggregator, readLogDirectory } from '../../../lib/activity';
import { renderCsv as breadthCsv, type BreadthRanking } from '../../../lib/breadth/ranking';
import { historyCsv, type ShownRecord } from '../../../lib/cli/commands/history';
import { summaryMarkdown } from '../../../lib/evidence/export';
import { hasUnsafeCharacters } from '../../../lib/support/sanitize';
import { run } from '../../unit/cli/capture';
import { iamUserRecord, officeTime, WINDOW } from '../../unit/activity/helpers';

const FIXTURE = 'test/fixtures/export-cli';
const made: string[] = [];
const tempDir = (prefix: string): string => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
};
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** An ARN that, printed raw, erases the line and paints a green fake PASS; then reverses the rest. */
const FAKE_PASS = 'x\r\u001b[2K\u001b[32mPASS auth.root-mfa\u001b[0m\u202eevil\u009b2J';
// eslint-disable-next-line no-control-regex -- the point: no raw control character may reach the output
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

function exportDirWith(files: Record<string, string | Buffer>): string {
  const dir = tempDir('art32-hostile-export-');
  cpSync(FIXTURE, dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

describe('terminal injection through an export directory', () => {
  it('scan prints a hostile account alias as visible markers, never as escape sequences', async () => {
    const dir = exportDirWith({ 'account-aliases.json': JSON.stringify({ AccountAliases: [FAKE_PASS] }) });
    const { stdout, stderr } = await run('scan', '--source', dir);
    expect(stdout + stderr).not.toMatch(RAW_CONTROL);
    expect(stdout).toContain('[U+001B][2K[U+001B][32mPASS');
  });

  it('scan --format json keeps the alias exact (JSON escapes) yet prints nothing raw', async () => {
    const dir = exportDirWith({ 'account-aliases.json': JSON.stringify({ AccountAliases: [FAKE_PASS] }) });
    const { stdout } = await run('scan', '--source', dir, '--format', 'json');
    expect(stdout).not.toMatch(RAW_CONTROL);
    expect(stdout).toContain('\\u001b[2K');
    expect(JSON.stringify(JSON.parse(stdout))).toContain(JSON.stringify(FAKE_PASS).slice(1, -1));
  });

  it('a garbage (binary) export file is named with a bounded, marked excerpt, never echoed raw', async () => {
    const garbage = Buffer.alloc(2 * 1024 * 1024, 0x1b);
    garbage.write('\u001b]0;owned\u0007\u001b[2J', 'latin1');
    const dir = exportDirWith({ 'password-policy.json': garbage });
    const { stdout, stderr } = await run('scan', '--source', dir);
    const out = stdout + stderr;
    expect(out).not.toMatch(RAW_CONTROL);
    const line = out.split('\n').find((l) => l.includes('password-policy.json is not valid JSON'));
    expect(line).toBeDefined();
    expect(line).toContain('[U+001B]');
    expect((line as string).length).toBeLessThan(1500);
  });

  it('a caller-identity.json holding the CLI’s error is named with that error, not “add caller-identity.json”', async () => {
    const dir = tempDir('art32-noidentity-');
    writeFileSync(join(dir, 'caller-identity.json'), '\nUnable to locate credentials. You can configure credentials by running "aws configure".\n');
    writeFileSync(join(dir, 'password-policy.json'), JSON.stringify({ PasswordPolicy: { MinimumPasswordLength: 14 } }));
    const { code, stderr } = await run('scan', '--source', dir);
    expect(code).toBe(2);
    expect(stderr).toContain('caller-identity.json');
    expect(stderr).toContain('Unable to locate credentials');
    expect(stderr).not.toContain('add caller-identity.json');
  });

  it('a symbolic link in an export directory is not read, and the scan says so', async () => {
    const dir = exportDirWith({});
    rmSync(join(dir, 'account-aliases.json'));
    symlinkSync('/dev/zero', join(dir, 'account-aliases.json'));
    const { stdout } = await run('scan', '--source', dir);
    expect(stdout).toMatch(/not read \(symbolic link, pipe or device, not a regular file\): account-aliases\.json/);
  });
});

describe('activity --logs on a hostile log tree', () => {
  const logFile = (records: unknown[]): Buffer => gzipSync(JSON.stringify({ Records: records }));

  it('does not follow a symbolic link (to /dev/zero or to the auditor’s own files): a file error, not counted', async () => {
    const outside = tempDir('art32-outside-');
    writeFileSync(join(outside, 'victim.json.gz'), logFile([iamUserRecord({ time: officeTime(1), user: 'outside' })]));
    const dir = tempDir('art32-logs-');
    writeFileSync(join(dir, 'real.json.gz'), logFile([iamUserRecord({ time: officeTime(2), user: 'inside' })]));
    symlinkSync(join(outside, 'victim.json.gz'), join(dir, 'link.json.gz'));
    symlinkSync('/dev/zero', join(dir, 'zero.json'));
    const aggregator = new ActivityAggregator({ window: WINDOW });
    const source = await readLogDirectory(dir, aggregator, { workers: 1 });
    const section = aggregator.finish();
    expect(source.filesRead).toBe(1);
    expect(section.totals.events).toBe(1);
    expect(section.fileErrors.map((e) => e.file).sort()).toEqual([join(dir, 'link.json.gz'), join(dir, 'zero.json')]);
    expect(section.fileErrors.every((e) => /symbolic link: not followed/.test(e.message))).toBe(true);
    expect(source.complete).toBe(false);
  });

  it('refuses a file over the size cap before reading it', async () => {
    const dir = tempDir('art32-logs-big-');
    writeFileSync(join(dir, 'big.json'), Buffer.alloc(4096, 0x20));
    const aggregator = new ActivityAggregator({ window: WINDOW });
    await readLogDirectory(dir, aggregator, { workers: 1, maxFileBytes: 1024 });
    expect(aggregator.finish().fileErrors).toEqual([expect.objectContaining({ code: 'TooLarge' })]);
  });

  it('does not hang on a FIFO planted in the tree', async () => {
    const dir = tempDir('art32-logs-fifo-');
    execFileSync('mkfifo', [join(dir, 'pipe.json')]);
    const aggregator = new ActivityAggregator({ window: WINDOW });
    await readLogDirectory(dir, aggregator, { workers: 1 });
    expect(aggregator.finish().fileErrors).toEqual([expect.objectContaining({ code: 'ReadFailed', message: expect.stringContaining('named pipe') })]);
  });

  it('prints a hostile principal ARN from a log file as visible markers', async () => {
    const dir = tempDir('art32-logs-ansi-');
    mkdirSync(join(dir, 'a'));
    writeFileSync(join(dir, 'a', 'f.json.gz'), logFile([iamUserRecord({ time: officeTime(1), user: FAKE_PASS })]));
    const { stdout, stderr } = await run('activity', '--logs', dir, '--end', WINDOW.end.toISOString(), '--window', '24h', '--workers', '1');
    expect(stdout + stderr).not.toMatch(RAW_CONTROL);
    expect(stdout).toContain('[U+001B][32mPASS');
  });
});

/** Arbitrary hostile strings through the file renderers: CSV, Markdown summary, e-mail. */
describe('every file renderer, with arbitrary strings', () => {
  const hostile = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.array(fc.constantFrom('=', '+', '-', '@', '\t', '\r', '\n', '\u001b[31m', '\u202e', '|', '<img src=x>', '[a](b)', '`', '"', ','), { maxLength: 8 }).map((a) => a.join('')),
  );

  const record = (message: string, runId: string): ShownRecord =>
    ({
      accountId: '123456789012',
      ruleId: 'auth.root-mfa',
      requirementIds: ['GDPR-32.1.b'],
      status: 'FAIL',
      severity: 'high',
      message,
      observed: { name: message },
      threshold: {},
      resources: { count: 1, shown: [message], hash: 'h' },
      collectedAt: '2026-01-21T00:00:00.000Z',
      runId,
      source: { kind: 'scenario', name: 'x' },
      hash: 'a'.repeat(64),
      integrity: { intact: false, reason: message },
    }) as unknown as ShownRecord;

  it('history CSV: one record per line, no cell starting a formula, nothing raw but the quoted LF', () => {
    fc.assert(
      fc.property(hostile, hostile, (message, runId) => {
        const csv = historyCsv([record(message, runId)]);
        const cells = csv.match(/(^|,)("(?:[^"]|"")*"|[^,\n]*)/gm) ?? [];
        for (const cell of cells) expect(cell.replace(/^,/, '').replace(/^"/, '')).not.toMatch(/^[=+@\t\r]|^-(?!\d)/);
        expect(hasUnsafeCharacters(csv.replace(/\n/g, ''))).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('breadth CSV neutralises a principal named like a formula', () => {
    const ranking = {
      account: '123456789012',
      catalog: { version: 'v' },
      principals: [{ rank: 1, principal: '=HYPERLINK("http://evil","x")', arn: '@SUM(1)', actions: 1, unconditional: 1, conditional: 0, services: 1, sharePercent: 1, onAllResources: 0, dataReadOnAll: 0, permissionsManagementOnAll: 0, outlier: false, allowListed: false, escalations: [], usage: 'never' }],
    } as unknown as BreadthRanking;
    const line = breadthCsv([ranking]).split('\n')[1] as string;
    expect(line).toContain(`"'=HYPERLINK(""http://evil"",""x"")"`);
    expect(line).toContain("'@SUM(1)");
  });

  it('SUMMARY.md: a stored message or run id cannot add a line, a table cell, raw HTML or a link', () => {
    fc.assert(
      fc.property(hostile, hostile, (message, runId) => {
        const md = summaryMarkdown({ accountId: '123456789012', from: '2026-01-01', to: '2026-01-31' }, [record(message, runId)], [], { ok: true, verdict: 'intact', accounts: [] } as never);
        expect(hasUnsafeCharacters(md.replace(/\n/g, ''))).toBe(false);
        expect(md).not.toMatch(/(^|[^\\])<img/);
        const rows = md.split('\n').filter((l) => l.startsWith('| 2026'));
        for (const row of rows) expect(row.replace(/\\\|/g, '').split('|')).toHaveLength(5);
        expect(md.split('\n').filter((l) => l.startsWith('- ')).length).toBe(1);
      }),
      { numRuns: 300 },
    );
  });
});
