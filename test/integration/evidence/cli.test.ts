/**
 * The evidence commands end to end, in-process, on an embedded store in a temp dir:
 * collect twice → runs/history show both dated runs → verify passes → tamper by hand with
 * the SDK on the same store → verify exits 3 naming the link → export writes a pack whose
 * signatures openssl checks.
 */
import { spawnSync } from 'node:child_process';
import { chmod, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hashRecord, keys, openEmbeddedStore, recordItem, sha256Hex } from '../../../lib/evidence';
import { RULES } from '../../../lib/rules';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { OPENSSL_VERIFY_COMMAND } from '../../../lib/evidence/export';
import { run } from '../../unit/cli/capture';

let dir: string;
const ACCOUNT = '111122223333';
/**
 * Two runs on the two days before today (06:00 UTC), never fixed dates: verify judges evidence
 * retention at the real clock, so a record deleted from a run collected on a fixed date would read
 * as "expired" (exit 0) once 1,095 days had passed, and the deletion below would go unseen.
 */
const dayBefore = (n: number): string => `${new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10)}T06:00:00.000Z`;
const DAY1 = dayBefore(2);
const DAY2 = dayBefore(1);
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'art32-cli-evidence-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  process.exitCode = undefined;
});

const data = () => ['--data-dir', join(dir, 'data')];

describe('art32 collect / runs / history / verify / export', () => {
  it('records two dated runs, lists and verifies them, then names a deleted record', async () => {
    const first = await run('collect', '--scenario', 'france-travail', '--collected-at', DAY1, '--run-id', 'day-1', ...data());
    expect(first.stderr).not.toContain('art32:');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(new RegExp(`${RULES.length} records: +FAIL \\d+`));
    expect(first.stdout).toContain('chain start');
    const retry = await run('collect', '--scenario', 'france-travail', '--collected-at', DAY1, '--run-id', 'day-1', ...data());
    expect(retry.stdout).toContain('already recorded (retry: nothing written)');
    // Without --collected-at, a reused run id finishes that run at its own time (not "now").
    const resumed = await run('collect', '--scenario', 'france-travail', '--run-id', 'day-1', ...data());
    expect(resumed.stdout).toContain('already recorded (retry: nothing written)');
    // A different time under the same run id would seal a second dated run: refused, naming both times.
    const clash = await run('collect', '--scenario', 'france-travail', '--collected-at', DAY2, '--run-id', 'day-1', ...data());
    expect(clash.code).toBe(2);
    expect(clash.stderr).toContain(`run day-1 already holds account ${ACCOUNT} collected at ${DAY1}`);
    const second = await run('collect', '--scenario', 'france-travail', '--collected-at', DAY2, '--run-id', 'day-2', ...data());
    expect(second.stdout).toContain('chain → day-1');

    const runs = await run('runs', ...data(), '--format', 'json');
    expect((JSON.parse(runs.stdout) as { runId: string; status: string }[]).map((r) => [r.runId, r.status])).toEqual([
      ['day-1', 'complete'],
      ['day-2', 'complete'],
    ]);
    const history = await run('history', '--account', ACCOUNT, '--rule', 'auth.password-strength', ...data(), '--format', 'json');
    expect((JSON.parse(history.stdout) as { collectedAt: string }[]).map((r) => r.collectedAt)).toEqual([DAY1, DAY2]);
    const csv = await run('history', '--account', ACCOUNT, '--requirement', 'CNIL-2022-100', '--to', DAY1.slice(0, 10), ...data(), '--format', 'csv');
    expect(csv.stdout.split('\n')[0]).toBe('collectedAt,runId,accountId,ruleId,requirementIds,status,severity,message,resourceCount,hash,intact');
    expect(csv.stdout.split('\n')[1]).toMatch(/,yes$/);
    expect(csv.stdout).not.toContain('day-2');

    const ok = await run('verify', ...data());
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('verified: every record hash');

    const pack = join(dir, 'pack');
    const exported = await run('export', '--account', ACCOUNT, '--from', DAY1.slice(0, 10), '--to', DAY2.slice(0, 10), '--out', pack, ...data());
    expect(exported.code).toBe(0);
    expect((await readdir(pack)).sort()).toEqual([
      'NOT-INTACT.jsonl',
      'README.md',
      'SUMMARY.md',
      'anchors.jsonl',
      'findings.ocsf.json',
      'manifests',
      'manifests.jsonl',
      'public-key.pem',
      'records',
      'records.jsonl',
      'verification.json',
    ]);
    // The pack's own command checks every manifest signature with openssl alone, no art32.
    const readme = await readFile(join(pack, 'README.md'), 'utf8');
    expect(readme).toContain(OPENSSL_VERIFY_COMMAND);
    const openssl = spawnSync('sh', ['-c', OPENSSL_VERIFY_COMMAND], { cwd: pack, encoding: 'utf8' });
    expect(openssl.status).toBe(0);
    expect(openssl.stdout.trim().split('\n').map((l) => l.replace(/^[0-9a-f]{64} /, ''))).toEqual(['Verified OK', 'Verified OK']);
    for (const name of await readdir(join(pack, 'records'))) {
      expect(sha256Hex(await readFile(join(pack, 'records', name), 'utf8'))).toBe(name.replace(/\.json$/, ''));
    }
    expect(await readFile(join(pack, 'SUMMARY.md'), 'utf8')).toMatch(/### CNIL-2022-100 — [^\n]+\n/);
    expect((await readFile(join(pack, 'records.jsonl'), 'utf8')).trim().split('\n')).toHaveLength(2 * RULES.length);

    // Tamper by hand with the SDK on the same store.
    const open = await openEmbeddedStore(join(dir, 'data'));
    const sk = keys.recordSk(DAY1, 'day-1', 'auth.root-mfa');
    await open.client.send(new DeleteItemCommand({ TableName: open.store.tableName, Key: { pk: { S: keys.account(ACCOUNT) }, sk: { S: sk } } }));
    await open.close();
    const broken = await run('verify', '--account', ACCOUNT, ...data());
    expect(broken.code).toBe(3); // EXIT.INTEGRITY: tampering

    // A record rewritten with its hash and attributes recomputed (the writer's forgery): history flags it.
    const again = await openEmbeddedStore(join(dir, 'data'));
    const [original] = await again.store.history({ accountId: ACCOUNT, ruleId: 'auth.password-strength', to: DAY1.slice(0, 10) });
    const { hash: _h, ...body } = original!;
    const forgedBody = { ...body, status: 'PASS' as const };
    await DynamoDBDocumentClient.from(again.client).send(new PutCommand({ TableName: again.store.tableName, Item: recordItem({ ...forgedBody, hash: hashRecord(forgedBody) }) }));
    await again.close();
    const shown = await run('history', '--account', ACCOUNT, '--rule', 'auth.password-strength', ...data());
    expect(shown.code).toBe(3);
    expect(shown.stdout).toMatch(new RegExp(`${escape(DAY1)}\\s+NOT INTACT \\(PASS\\)`));
    expect(shown.stdout).toMatch(new RegExp(`NOT INTACT: RECORD_MODIFIED: record RUN#${escape(DAY1)}#day-1#RULE#auth\\.password-strength modified: its hash [0-9a-f]{64} is not the hash sealed in manifest`));
    expect(shown.stderr).toContain('1 record(s) shown are NOT INTACT');
    expect(broken.stdout).toContain(`NOT VERIFIED — first broken link: record ${sk} (rule auth.root-mfa, hash`);
  });

  it('bad input: unknown account, inverted range, missing options, unusable data dir', async () => {
    const unknown = await run('history', '--account', '999999999999', '--rule', 'auth.root-mfa', ...data());
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(`no evidence for account 999999999999. Accounts with evidence: ${ACCOUNT}`);
    const inverted = await run('history', '--account', ACCOUNT, '--rule', 'auth.root-mfa', '--from', '2026-02-01', '--to', '2026-01-01', ...data());
    expect(inverted.code).toBe(2);
    expect(inverted.stderr).toContain('inverted date range: --from 2026-02-01 is after --to 2026-01-01');
    expect((await run('history', '--account', ACCOUNT, ...data())).stderr).toContain('give exactly one of --rule ID or --requirement ID');
    expect((await run('export', '--account', ACCOUNT, ...data())).stderr).toContain('export needs --from, --to, --out');

    const file = join(dir, 'not-a-dir');
    await writeFile(file, 'x');
    const blocked = await run('runs', '--data-dir', join(file, 'sub'));
    expect(blocked.code).toBe(2);
    expect(blocked.stderr).toMatch(/evidence data directory .*not-a-dir\/sub does not exist \(ENOTDIR\)/);
    const unwritable = await run('collect', '--scenario', 'compliant', '--data-dir', join(file, 'sub'));
    expect(unwritable.code).toBe(2);
    expect(unwritable.stderr).toMatch(/evidence data directory .*not-a-dir\/sub cannot be created \(ENOTDIR\)/);
    if (process.getuid?.() !== 0) {
      const locked = join(dir, 'locked');
      await run('collect', '--scenario', 'compliant', '--data-dir', locked);
      await chmod(join(locked, 'dynamodb'), 0o000);
      const denied = await run('runs', '--data-dir', locked);
      expect(denied.stderr).toMatch(/cannot be read \(EACCES\)/);
      const deniedWrite = await run('collect', '--scenario', 'compliant', '--data-dir', locked);
      expect(deniedWrite.stderr).toMatch(/is not readable and writable \(EACCES\)/);
      await chmod(join(locked, 'dynamodb'), 0o700);
    }
  });
});
