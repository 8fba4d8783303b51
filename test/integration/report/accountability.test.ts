/**
 * The audit document's accountability part end to end on a real embedded store (dynalite):
 * `collect` records who collected (caller, host, arguments, fingerprints, scope) beside the
 * run; `plan` / `accept` / `triage` write the register; `report --audit` shows them — and the
 * insider's edits: a collection context rewritten in the table is marked as edited, and a
 * second collect of the same run by someone else never replaces who first collected it.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { sha256Hex } from '../../../lib/evidence/canonical';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { contextSk, putCollectionContext, type CollectionContext } from '../../../lib/accountability/context';
import { openEmbeddedStore } from '../../../lib/evidence';
import { osDeclarant } from '../../../lib/register/identity';
import { run } from '../../unit/cli/capture';

let dir: string;
const ACCOUNT = '111122223333';
const AT = '2026-01-22T06:00:00.000Z';
const data = () => ['--data-dir', join(dir, 'data')];
/** Dates before the wall clock: the register is judged when the document is made. */
const daysAgo = (n: number): string => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
const LAPSED_PLAN = daysAgo(40);
const LAPSED_ACCEPTANCE = daysAgo(20);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'art32-accountability-'));
  const collected = await run('collect', '--scenario', 'france-travail', '--collected-at', AT, '--run-id', 'demo-run', ...data());
  expect(collected.code).toBe(0);
}, 120_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  process.exitCode = undefined;
});

async function auditHtml(name: string): Promise<{ code: number; html: string }> {
  const file = join(dir, `${name}.html`);
  // The register is judged when the document is made: now.
  const r = await run('report', '--audit', '--account', ACCOUNT, '--from', '2026-01-01', '--to', '2026-01-31', '--html', file, ...data());
  return { code: r.code, html: await readFile(file, 'utf8') };
}

async function storedContext(): Promise<Record<string, unknown>> {
  const open = await openEmbeddedStore(join(dir, 'data'), { access: 'read' });
  try {
    const out = await open.store.documentClient.send(new GetCommand({ TableName: open.store.tableName, Key: { pk: `ACCOUNT#${ACCOUNT}`, sk: contextSk(AT, 'demo-run') } }));
    return out.Item ?? {};
  } finally {
    await open.close();
  }
}

describe('audit document: accountability', () => {
  it('says who collected the run, with which arguments and fingerprints, and its scope', async () => {
    const { code, html } = await auditHtml('who');
    expect(code).toBe(0);
    const section = html.slice(html.indexOf('id="accountability"'), html.indexOf('id="verification"'));
    expect(section).toContain(osDeclarant().identity.replace(/\./g, '.<wbr>').replace(/-/g, '-<wbr>').replace(/_/g, '_<wbr>'));
    expect(section).toContain('local user@host, no AWS identity');
    expect(section).toContain('collect --scenario france-travail --collected-at 2026-01-22T06:00:00.000Z --run-id demo-run --data-dir');
    expect(section).toMatch(/parameters<\/span> <span class="hash">[0-9a-f]{64}<\/span>/);
    expect(section).toMatch(/rule catalog \(\d+ rules\)<\/span> <span class="hash">[0-9a-f]{64}<\/span>/);
    expect(section).toMatch(/requirement mapping<\/span> <span class="hash">[0-9a-f]{64}<\/span>/);
    expect(section).toContain('Regions read:');
    expect(section).toContain('No application-level logging');
    expect(section).toContain('identity-based policies');
    expect(section).not.toContain('not recorded');
    expect(section).toContain("sealed in the run's signed manifest");
    expect(html).toContain('SYNTHETIC DATA');
  });

  it('keeps who first collected a run when someone else retries it (first writer wins)', async () => {
    const before = await storedContext();
    const forged = { ...(JSON.parse(String(before.body)) as CollectionContext), collectedBy: { identity: 'arn:aws:iam::999999999999:user/mallory', via: 'sts' as const, host: 'elsewhere' } };
    const open = await openEmbeddedStore(join(dir, 'data'), { access: 'write' });
    try {
      expect(await putCollectionContext(open.store.documentClient, open.store.tableName, forged)).toBe('present');
    } finally {
      await open.close();
    }
    // A CLI retry of the same run id writes nothing either.
    expect((await run('collect', '--scenario', 'france-travail', '--collected-at', AT, '--run-id', 'demo-run', ...data())).code).toBe(0);
    expect(await storedContext()).toEqual(before);
  });

  it('shows plans (owner, due date, overdue), expired acceptances and triage for the failing checks, in the audit document and the email', async () => {
    expect((await run('plan', '--account', ACCOUNT, '--rule', 'auth.root-mfa', '--action', 'hardware key on root', '--owner', 'cloud-team', '--due', '2099-03-01', '--risk-ref', 'DPIA-7 §3', ...data())).code).toBe(0);
    expect((await run('plan', '--account', ACCOUNT, '--rule', 'auth.console-mfa', '--action', 'enforce MFA', '--owner', 'iam-team', '--due', LAPSED_PLAN, '--risk-ref', 'DPIA-7 §4', ...data())).code).toBe(0);
    expect(
      (await run('accept', '--account', ACCOUNT, '--rule', 'logging.log-encryption', '--justification', 'SSE-S3 judged sufficient, RA-12', '--owner', 'ciso', '--expires', LAPSED_ACCEPTANCE, ...data())).code,
    ).toBe(0);
    expect(
      (await run('triage', '--account', ACCOUNT, '--principal', 'user/adviser.martin', '--run', 'demo-run', '--outcome', 'incident', '--note', 'credential stuffing, contained', '--register-ref', 'INC-2026-04', ...data())).code,
    ).toBe(0);
    const { html } = await auditHtml('register');
    const row = (rule: string): string => {
      const start = html.indexOf(`<tr id="rule-${rule}">`);
      return html.slice(start, html.indexOf('</tr>', start));
    };
    expect(row('auth.root-mfa')).toMatch(/first failed <span class="nowrap">2026-01-22<\/span><br>plan <span class="id">P-[0-9a-f]{12}<\/span>: <bdi>cloud-team<\/bdi>, due <span class="nowrap">2099-03-01<\/span>, open/);
    expect(row('auth.console-mfa')).toContain(`<bdi>iam-team</bdi>, due <span class="nowrap">${LAPSED_PLAN}</span>, <span class="bad">OVERDUE</span>`);
    expect(row('logging.log-encryption')).toMatch(new RegExp(`risk accepted <span class="id">A-[0-9a-f]{12}</span>: <bdi>ciso</bdi>, <span class="bad">EXPIRED ${LAPSED_ACCEPTANCE}</span>`));
    expect(row('access.stale-credentials')).toContain('<span class="bad">no plan</span>');
    const register = html.slice(html.indexOf('id="register"'), html.indexOf('id="parameters"'));
    expect(register).toContain('Register chain: <span class="good">intact</span> (4 items');
    expect(register.match(/<tr><td>plan<br>/g) ?? []).toHaveLength(2);
    expect(register).toContain('<tr><td>acceptance<br>');
    expect(register).toMatch(/<tr><td>triage<br>.*<td>incident<\/td>.*INC-2026-04/);
    // The weekly email (its text part, as `art32 report` prints it) names the same owners and dates.
    const email = await run('report', ...data());
    expect(email.code).toBe(0);
    expect(email.stdout).toContain('Register: 1 remediation plan overdue, 1 risk acceptance expired');
    expect(email.stdout).toContain('plan: cloud-team, due 2099-03-01');
    expect(email.stdout).toContain(`plan: iam-team, OVERDUE since ${LAPSED_PLAN}`);
    expect(email.stdout).toContain(`risk acceptance by ciso EXPIRED ${LAPSED_ACCEPTANCE}`);
  });

  it('marks a collection context edited in the table (who collected rewritten, hash kept)', async () => {
    const open = await openEmbeddedStore(join(dir, 'data'), { access: 'write' });
    try {
      const item = await open.store.documentClient.send(new GetCommand({ TableName: open.store.tableName, Key: { pk: `ACCOUNT#${ACCOUNT}`, sk: contextSk(AT, 'demo-run') } }));
      const body = String(item.Item?.body).replace(/"identity":"[^"]*"/, '"identity":"arn:aws:iam::111122223333:role/someone-else"');
      await open.store.documentClient.send(new PutCommand({ TableName: open.store.tableName, Item: { ...item.Item, body } }));
    } finally {
      await open.close();
    }
    const { html } = await auditHtml('edited');
    expect(html).toContain('this context was edited after it was written: its body no longer matches its hash');
  });

  it('attack: the writer rewrites who collected AND recomputes the context hash — the signed manifest still tells (verify exit 3, audit marks it)', async () => {
    expect((await run('verify', ...data())).code).toBe(3); // the edit above (hash kept) is already an integrity problem
    const open = await openEmbeddedStore(join(dir, 'data'), { access: 'write' });
    try {
      const item = await open.store.documentClient.send(new GetCommand({ TableName: open.store.tableName, Key: { pk: `ACCOUNT#${ACCOUNT}`, sk: contextSk(AT, 'demo-run') } }));
      const body = String(item.Item?.body);
      expect(body).toContain('someone-else');
      await open.store.documentClient.send(new PutCommand({ TableName: open.store.tableName, Item: { ...item.Item, body, hash: sha256Hex(body) } }));
    } finally {
      await open.close();
    }
    const verified = await run('verify', ...data());
    expect(verified.code).toBe(3);
    expect(verified.stdout + verified.stderr).toContain('CONTEXT_MODIFIED');
    const { html } = await auditHtml('edited-rehashed');
    expect(html).toContain('edited after the seal: the signed manifest sealed SHA-256');
  });
});
