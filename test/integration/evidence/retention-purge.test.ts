/**
 * `art32 retention --purge --yes` on a real embedded store: records past the retention in force at
 * their run's collection are deleted (with the payload of a run wholly past it), recent ones are
 * not, manifests stay — and verify still checks the whole chain (exit 0), reading the deleted
 * records as expired. A purge is a write: it takes the writer lock (exit 6 when held), needs an
 * explicit confirmation, is refused on the deployed table, and never deletes a record that is not
 * what its manifest sealed (exit 3: the tampering stays visible).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hashRecord, keys, LOCK_FILE, openEmbeddedStore, recordItem } from '../../../lib/evidence';
import { RULES } from '../../../lib/rules';
import { run } from '../../unit/cli/capture';

const ACCOUNT = '111122223333';
const DAY_MS = 86_400_000;
/** Instants relative to the real clock (a purge judges by it), to the second. */
const daysAgo = (n: number): string => new Date(Math.floor((Date.now() - n * DAY_MS) / 1000) * 1000).toISOString();
const OLD = daysAgo(1200); // past 1095 days: every record expired
const MID = daysAgo(400); // past 365 days only: its monitoring.abnormal-activity record expired
const NEW = daysAgo(1); // nothing expired

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'art32-purge-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  process.exitCode = undefined;
  delete process.env.ART32_LOCK_WAIT_MS;
});

async function threeRuns(name: string): Promise<string[]> {
  const data = ['--data-dir', join(dir, name)];
  for (const [at, id] of [
    [OLD, 'old'],
    [MID, 'mid'],
    [NEW, 'new'],
  ] as const) {
    const r = await run('collect', '--scenario', 'france-travail', '--collected-at', at, '--run-id', id, ...data);
    expect(r.stderr).not.toContain('art32:');
  }
  return data;
}

async function storedKeys(data: string[]): Promise<string[]> {
  const open = await openEmbeddedStore(data[1] as string, { access: 'read' });
  try {
    const items = await open.store.accountItems(ACCOUNT);
    const payloads = [];
    for (const id of ['old', 'mid', 'new']) {
      const at = id === 'old' ? OLD : id === 'mid' ? MID : NEW;
      if (await open.store.getItem(keys.account(ACCOUNT), keys.payloadSk(at, id))) payloads.push(`PAYLOAD#${id}`);
    }
    return [...items.records.map((r) => String(r.sk)), ...items.manifests.map((m) => String(m.sk)), ...payloads];
  } finally {
    await open.close();
  }
}

describe('art32 retention --purge', () => {
  it('deletes what is past retention (and the payload of a run wholly past it), keeps manifests and recent records; verify stays intact', async () => {
    const data = await threeRuns('main');
    const listed = await run('retention', '--format', 'json', ...data);
    const before = JSON.parse(listed.stdout) as { accounts: { expiredRecords: number }[] };
    expect(before.accounts[0]?.expiredRecords).toBe(RULES.length + 1);

    const unconfirmed = await run('retention', '--purge', ...data);
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toMatch(/^art32: --purge deletes records for good: add --yes/);
    expect(await run('retention', '--purge', '--yes', '--table', 'art32-evidence')).toMatchObject({ code: 2 });
    expect((await run('retention', '--purge', '--yes', '--now', daysAgo(-30), ...data)).code).toBe(2);
    expect((await storedKeys(data)).filter((k) => k.startsWith('RUN#'))).toHaveLength(3 * RULES.length);

    const purged = await run('retention', '--purge', '--yes', ...data);
    expect(purged.stderr).toBe('');
    expect(purged.code).toBe(0);
    expect(purged.stdout).toContain(`${ACCOUNT}: deleted ${RULES.length + 1} record(s) past retention in 2 run(s) and 1 run payload(s)`);

    const after = await storedKeys(data);
    expect(after.filter((k) => k.startsWith(`RUN#${OLD}`))).toEqual([]);
    expect(after.filter((k) => k.startsWith(`RUN#${MID}`))).toHaveLength(RULES.length - 1);
    expect(after).not.toContain(keys.recordSk(MID, 'mid', 'monitoring.abnormal-activity'));
    expect(after.filter((k) => k.startsWith(`RUN#${NEW}`))).toHaveLength(RULES.length);
    expect(after.filter((k) => k.startsWith('MANIFEST#'))).toHaveLength(3);
    expect(after.filter((k) => k.startsWith('PAYLOAD#'))).toEqual(['PAYLOAD#mid', 'PAYLOAD#new']);

    // The chain of manifests still verifies, signatures included; the deleted records read as expired.
    const verified = await run('verify', ...data);
    expect(verified.stderr).toBe('');
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(/expired/i);

    // Nothing left to delete: a second purge deletes nothing and says what is already gone.
    const again = await run('retention', '--purge', '--yes', '--format', 'json', ...data);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).purged[0]).toMatchObject({ deletedRecords: 0, deletedPayloads: 0, alreadyGone: RULES.length + 1 });
  }, 180_000);

  it('is a write: with the writer lock held it waits, then exits 6 and deletes nothing', async () => {
    const data = await threeRuns('locked');
    const before = await storedKeys(data);
    let holder: ChildProcess | undefined;
    try {
      holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
      await writeFile(join(data[1] as string, LOCK_FILE), JSON.stringify({ pid: holder.pid, host: hostname(), started: new Date().toISOString(), command: 'collect --scenario x' }), { mode: 0o600 });
      process.env.ART32_LOCK_WAIT_MS = '300';
      const busy = await run('retention', '--purge', '--yes', ...data);
      expect(busy.code).toBe(6);
      expect(busy.stderr).toContain('is busy');
    } finally {
      holder?.kill();
      await rm(join(data[1] as string, LOCK_FILE), { force: true });
    }
    expect(await storedKeys(data)).toEqual(before);
  }, 180_000);

  it('attack: a record past retention rewritten by an insider is not deleted (exit 3) — verify still names it', async () => {
    const data = await threeRuns('tampered');
    const sk = keys.recordSk(OLD, 'old', 'auth.password-strength');
    const open = await openEmbeddedStore(data[1] as string);
    const [original] = await open.store.history({ accountId: ACCOUNT, ruleId: 'auth.password-strength', to: OLD.slice(0, 10) });
    const { hash: _h, ...body } = original!;
    const forged = { ...body, status: 'PASS' as const };
    await DynamoDBDocumentClient.from(open.client).send(new PutCommand({ TableName: open.store.tableName, Item: recordItem({ ...forged, hash: hashRecord(forged) }) }));
    await open.close();

    const purged = await run('retention', '--purge', '--yes', ...data);
    expect(purged.code).toBe(3);
    expect(purged.stdout).toContain(`1 NOT deleted (not what its manifest sealed: run art32 verify): ${sk}`);
    const after = await storedKeys(data);
    expect(after).toContain(sk);
    expect(after.filter((k) => k.startsWith(`RUN#${OLD}`))).toEqual([sk]);
    // Its run's payload is kept too (the run is not wholly purged).
    expect(after).toContain('PAYLOAD#old');
    const verified = await run('verify', ...data);
    expect(verified.code).toBe(3);
    expect(verified.stdout).toContain(sk);
  }, 180_000);
});
