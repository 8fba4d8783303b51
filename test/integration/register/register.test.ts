/**
 * The register end to end on a real embedded store (dynalite): declare / accept / plan /
 * triage through the CLI, the listing, a collect whose finding relies on the declaration, and
 * the attacks an insider with table write access would try — editing a declaration (with or
 * without recomputing its hash) and deleting one — each caught by `register --verify` (exit 3).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson, openEmbeddedStore, sha256Hex } from '../../../lib/evidence';
import { REGISTER_PK, RegisterStore, registerSk } from '../../../lib/register/store';
import { run } from '../../unit/cli/capture';

let dir: string;
const ACCOUNT = '111122223333';
const data = () => ['--data-dir', join(dir, 'data')];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'art32-register-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  process.exitCode = undefined;
});

describe('art32 declare / accept / plan / triage / register', () => {
  it('validates each command: exit 2 with one line naming the field', async () => {
    const bare = await run('declare', 'compensating-control', '--account', ACCOUNT, '--control', 'lockout', ...data());
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/^art32: --mechanism: mechanism is required\n$/);
    const badAccount = await run('accept', '--account', '12', '--rule', 'auth.console-mfa', ...data());
    expect(badAccount.code).toBe(2);
    expect(badAccount.stderr).toContain('--account "12" is not an AWS account id');
    const badRule = await run('plan', '--account', ACCOUNT, '--rule', 'auth.nope', ...data());
    expect(badRule.stderr).toContain('--rule "auth.nope" is not a known rule');
    const badDate = await run('accept', '--account', ACCOUNT, '--rule', 'auth.console-mfa', '--justification', 'x', '--owner', 'y', '--expires', '31/12/2026', ...data());
    expect(badDate.stderr).toContain('--expires: a date is YYYY-MM-DD');
    const breach = await run('triage', '--account', ACCOUNT, '--principal', 'user/a', '--run', 'r1', '--outcome', 'breach', '--note', 'n', ...data());
    expect(breach.code).toBe(2);
    expect(breach.stderr).toContain('--register-ref: a breach needs its incident/breach register reference');
    // The shape YYYY-MM-DD is not enough: a day the calendar lacks is refused, and nothing is written.
    const month13 = await run('accept', '--account', ACCOUNT, '--rule', 'auth.console-mfa', '--justification', 'x', '--owner', 'y', '--expires', '2026-13-01', ...data());
    expect(month13.code).toBe(2);
    expect(month13.stderr).toBe('art32: --expires "2026-13-01": no such day in the calendar (YYYY-MM-DD)\n');
    const feb30 = await run('plan', '--account', ACCOUNT, '--rule', 'auth.console-mfa', '--action', 'a', '--owner', 'o', '--due', '2027-02-30', '--risk-ref', 'R', ...data());
    expect(feb30.stderr).toContain('--due "2027-02-30": no such day in the calendar');
    const feb29 = await run('triage', '--account', ACCOUNT, '--principal', 'user/a', '--run', 'r1', '--outcome', 'breach', '--register-ref', 'BR-1', '--notified-on', '2027-02-29', '--note', 'n', ...data());
    expect(feb29.stderr).toContain('--notified-on "2027-02-29": no such day in the calendar');
    expect((await run('register', '--history', ...data())).stdout).not.toMatch(/2026-13-01|2027-02-30|2027-02-29/);
    const type = await run('declare', 'prayer', '--account', ACCOUNT, ...data());
    expect(type.stderr).toContain('<type> "prayer" must be compensating-control, retention, break-glass, idp-mfa or evidence-retention');
    for (const c of ['declare', 'accept', 'plan', 'triage', 'register']) expect((await run(c, '--help')).code).toBe(0);
  });

  it('records attributed, chained items; a collect relies on the declaration; listing shows lapsed entries', async () => {
    const d = await run(
      'declare', 'compensating-control', '--account', ACCOUNT, '--control', 'time-delay', '--exponential', '--delay-after-failures', '5',
      '--delay-seconds', '90', '--max-failures-per-24h', '25', '--mechanism', 'Okta sign-on policy', '--evidence-ref', 'SEC-DOC-42', '--format', 'json', ...data(),
    );
    expect(d.stderr).toBe('');
    const item = JSON.parse(d.stdout) as { seq: number; id: string; hash: string; declarant: { identity: string; via: string }; previousHash: string | null };
    expect(item).toMatchObject({ seq: 1, previousHash: null, declarant: { via: 'os' } });
    expect(item.declarant.identity).toMatch(/.+@.+/);
    await run('accept', '--account', ACCOUNT, '--rule', 'access.admin-principals', '--principal', 'user/it.admin', '--justification', 'RISK-7', '--owner', 'CISO', '--expires', '2026-01-10', ...data());
    await run('plan', '--account', ACCOUNT, '--rule', 'auth.console-mfa', '--action', 'enforce MFA', '--owner', 'IT ops', '--due', '2026-01-15', '--risk-ref', 'DPIA-2025-04#M3', ...data());
    const t = await run('triage', '--account', ACCOUNT, '--principal', 'user/adviser.martin', '--run', 'day-1', '--outcome', 'breach', '--register-ref', 'BR-2026-002', '--notified-on', '2026-02-08', '--note', 'hijacked', ...data());
    expect(t.code).toBe(0);

    const list = await run('register', '--account', ACCOUNT, ...data());
    expect(list.stdout).toMatch(/accepts the risk of access\.admin-principals.*\[EXPIRED\]/);
    expect(list.stdout).toMatch(/plans auth\.console-mfa.*\[OVERDUE\]/);
    expect(list.stdout).toContain('4 item(s) in force');

    // Close the plan: a new version of the same entry; history keeps both.
    const planId = (JSON.parse((await run('register', '--account', ACCOUNT, '--format', 'json', ...data())).stdout) as { id: string; kind: string }[]).find((i) => i.kind === 'plan')!.id;
    await run('plan', '--account', ACCOUNT, '--supersedes', planId, '--rule', 'auth.console-mfa', '--action', 'enforce MFA', '--owner', 'IT ops', '--due', '2026-01-15', '--risk-ref', 'DPIA-2025-04#M3', '--status', 'done', ...data());
    expect((await run('register', '--history', ...data())).stdout).toContain('5 item(s) (history)');
    expect((await run('register', ...data())).stdout).toContain('4 item(s) in force');

    // The collect of the france-travail account (8 chars of 3 classes) now passes on the declaration, and says so.
    // (A run sees the register as of its collection time: items recorded later never change it.)
    const collectedAt = new Date(Date.now() + 60_000).toISOString();
    const collected = await run('collect', '--scenario', 'france-travail', '--collected-at', collectedAt, '--run-id', 'reg-1', ...data());
    expect(collected.stderr).not.toContain('art32:');
    const history = await run('history', '--account', ACCOUNT, '--rule', 'auth.password-strength', '--format', 'json', ...data());
    const [finding] = JSON.parse(history.stdout) as { status: string; message: string; observed: { declaredRestriction: { hash: string } } }[];
    expect(finding!.status).toBe('PASS');
    expect(finding!.message).toMatch(/^PASS \(declared, not verified\)/);
    expect(finding!.observed.declaredRestriction.hash).toBe(item.hash);
    // The expired acceptance shows on the admin finding.
    const admin = JSON.parse((await run('history', '--account', ACCOUNT, '--rule', 'access.admin-principals', '--format', 'json', ...data())).stdout) as { message: string }[];
    expect(admin[0]!.message).toMatch(/risk acceptance A-[0-9a-f]{12} by CISO EXPIRED on 2026-01-10/);

    const ok = await run('register', '--verify', ...data());
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^register verified: 5 item\(s\)/);
  });

  it('detects an edited declaration (hash kept or recomputed) and a deleted one: exit 3 naming the item', async () => {
    const open = await openEmbeddedStore(join(dir, 'data'));
    const raw = await new RegisterStore(open.client, open.store.tableName).rawItems();
    const first = raw.find((r) => r.sk === registerSk(1))!;
    const body = JSON.parse(first.body as string) as Record<string, unknown> & { payload: Record<string, unknown> };
    // 1. Insider weakens the declared control and leaves the hash.
    const weakened = { ...body, payload: { ...body.payload, maxFailuresPer24h: 100 } };
    await open.client.send(new PutItemCommand({ TableName: open.store.tableName, Item: marshall({ ...first, body: canonicalJson(weakened) }) }));
    await open.close();
    let r = await run('register', '--verify', ...data());
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('item-modified: register item 1');

    // 2. ...and recomputes the hash: the next item's link breaks.
    const again = await openEmbeddedStore(join(dir, 'data'));
    await again.client.send(new PutItemCommand({ TableName: again.store.tableName, Item: marshall({ ...first, body: canonicalJson(weakened), hash: sha256Hex(canonicalJson(weakened)) }) }));
    await again.close();
    r = await run('register', '--verify', ...data());
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('link-broken: register item 2');

    // 3. Deleting an item leaves a hole.
    const third = await openEmbeddedStore(join(dir, 'data'));
    await third.client.send(new PutItemCommand({ TableName: third.store.tableName, Item: marshall(first) }));
    await third.client.send(new DeleteItemCommand({ TableName: third.store.tableName, Key: marshall({ pk: REGISTER_PK, sk: registerSk(3) }) }));
    await third.close();
    const whole = await run('verify', ...data());
    expect(whole.code).toBe(3);
    expect(whole.stdout).toContain('REGISTER NOT VERIFIED');
    r = await run('register', '--verify', '--format', 'json', ...data());
    expect(r.code).toBe(3);
    const result = JSON.parse(r.stdout) as { problems: { kind: string; seq: number }[] };
    expect(result.problems).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'item-missing', seq: 3 })]));
  });
});
