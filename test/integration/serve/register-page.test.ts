/**
 * The console's register page over a real (dynalite) store: every kind of entry with its state
 * (plan overdue, acceptance expired, revoked), the history of an entry updated twice, hostile
 * text escaped, and an item edited in the table by an insider flagged in red.
 */
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegisterStore, registerSk, REGISTER_PK } from '../../../lib/register/store';
import type { NewItemInput } from '../../../lib/register/build';
import { createConsoleApp } from '../../../lib/serve/app';
import type { ConsoleContext } from '../../../lib/serve/context';
import { ConsoleReader } from '../../../lib/serve/reader';
import { allowedHosts } from '../../../lib/serve/security';
import { startStore, type TestStore } from '../report/store-fixture';

const TABLE = 'art32-serve-register';
const TOKEN = 'test-token-0123456789abcdefghijklmnopqrstu';
const A1 = '111111111111';
const HOSTILE = '<img src=x onerror=alert(1)>\u202Eevil';
const by = { identity: 'arn:aws:sts::111111111111:assumed-role/dpo/alice', via: 'sts' as const };

let t: TestStore;
let app: ReturnType<typeof createConsoleApp>;
const get = async (path: string) => {
  const res = await app.request(path, { headers: { host: '127.0.0.1:4000', cookie: `art32_console=${TOKEN}` } });
  return { status: res.status, body: await res.text() };
};

beforeAll(async () => {
  t = await startStore(TABLE);
  const register = new RegisterStore(t.client, TABLE);
  const add = (input: Omit<NewItemInput, 'declarant'>) => register.append({ ...input, declarant: by });
  await add({ kind: 'declaration', id: 'D-aaaaaaaaaaaa', accountId: A1, recordedAt: '2026-01-10T09:00:00.000Z', payload: { type: 'compensating-control', control: 'lockout', mechanism: 'Okta sign-on policy', maxFailures: 10, evidenceRef: 'DOC-12' } });
  await add({ kind: 'acceptance', id: 'A-bbbbbbbbbbbb', accountId: A1, recordedAt: '2026-01-10T09:05:00.000Z', payload: { ruleId: 'auth.root-mfa', principals: [], justification: 'hardware token on order', owner: 'ciso@example.com', expires: '2026-01-15' } });
  await add({ kind: 'plan', id: 'P-cccccccccccc', accountId: A1, recordedAt: '2026-01-10T09:10:00.000Z', payload: { ruleId: 'auth.password-strength', action: 'raise minimum length to 12', owner: 'it@example.com', due: '2026-01-20', riskRef: 'DPIA-7', status: 'open' } });
  await add({ kind: 'plan', id: 'P-dddddddddddd', accountId: '*', recordedAt: '2026-01-11T09:00:00.000Z', payload: { ruleId: 'logging.trail-enabled', action: HOSTILE, owner: 'ops@example.com', due: '2026-03-01', riskRef: 'RISK-1', status: 'open' } });
  await add({ kind: 'plan', id: 'P-dddddddddddd', accountId: '*', recordedAt: '2026-01-12T09:00:00.000Z', payload: { ruleId: 'logging.trail-enabled', action: HOSTILE, owner: 'ops@example.com', due: '2026-03-01', riskRef: 'RISK-1', status: 'done' } });
  await add({ kind: 'triage', id: 'T-eeeeeeeeeeee', accountId: A1, recordedAt: '2026-01-13T09:00:00.000Z', payload: { ruleId: 'monitoring.abnormal-activity', principal: 'user/bob', runId: 'r20', outcome: 'incident', note: 'bulk export', registerRef: 'INC-3' } });
  await add({ kind: 'declaration', id: 'D-ffffffffffff', accountId: A1, recordedAt: '2026-01-13T10:00:00.000Z', payload: { type: 'idp-mfa', mechanism: 'Entra ID', evidenceRef: 'DOC-9' } });
  await add({ kind: 'revocation', id: 'D-ffffffffffff', accountId: A1, recordedAt: '2026-01-14T10:00:00.000Z', payload: { reason: 'IdP replaced' } });
  const context: ConsoleContext = { store: t.store, reader: new ConsoleReader(t.client, TABLE), storeDescription: 'test', now: () => new Date('2026-01-22T00:00:00Z') };
  app = createConsoleApp({ context, token: TOKEN, hosts: () => allowedHosts('127.0.0.1', 4000), logError: () => {} });
});
afterAll(async () => t.close());

describe('the register page', () => {
  it('lists every entry by kind with its state and current details, the chain verified', async () => {
    const { status, body } = await get('/register');
    expect(status).toBe(200);
    expect(body).toContain('8 item(s) in the register chain');
    expect(body).toContain('Register chain verified');
    expect(body).toMatch(/<h2>Declarations \(2\)<\/h2>/);
    expect(body).toMatch(/<h2>Risk acceptances \(1\)<\/h2>/);
    expect(body).toMatch(/<h2>Remediation plans \(2\)<\/h2>/);
    expect(body).toMatch(/<h2>Triage of activity findings \(1\)<\/h2>/);
    const row = (id: string) => body.slice(body.indexOf(`>${id}</th>`), body.indexOf('</tr>', body.indexOf('</details>', body.indexOf(`>${id}</th>`))));
    expect(row('A-bbbbbbbbbbbb')).toContain('EXPIRED');
    expect(row('P-cccccccccccc')).toMatch(/OPEN<\/bdi><\/span> <span class="bad">OVERDUE/);
    expect(row('P-dddddddddddd')).toContain('DONE');
    expect(row('P-dddddddddddd')).toContain('every account');
    expect(row('T-eeeeeeeeeeee')).toContain('INC-3');
    expect(row('D-ffffffffffff')).toContain('REVOKED');
    expect(row('D-aaaaaaaaaaaa')).toContain('Okta sign-on policy');
  });

  it('shows the history of an entry: every version in chain order, with who and when', async () => {
    const { body } = await get('/register');
    const start = body.indexOf('>P-dddddddddddd</th>');
    const history = body.slice(body.indexOf('<details>', start), body.indexOf('</details>', start));
    expect(history).toContain('History: 2 version(s)');
    expect(history.indexOf('2026-01-11T09:00:00.000Z')).toBeLessThan(history.indexOf('2026-01-12T09:00:00.000Z'));
    expect(history).toContain('&quot;status&quot;: &quot;open&quot;');
    expect(history).toContain('&quot;status&quot;: &quot;done&quot;');
    expect(history).toContain('assumed-role/dpo/alice');
  });

  it('escapes text written into the register', async () => {
    const { body } = await get('/register');
    expect(body).not.toContain('<img src=x');
    expect(body).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(body).not.toContain('\u202E');
  });

  it('an item edited in the table is flagged: NOT VERIFIED, its row red, the problem named', async () => {
    await t.client.send(
      new UpdateItemCommand({
        TableName: TABLE,
        Key: { pk: { S: REGISTER_PK }, sk: { S: registerSk(2) } },
        UpdateExpression: 'SET body = :b',
        ExpressionAttributeValues: {
          ':b': {
            S: JSON.stringify({ ...JSON.parse((await new RegisterStore(t.client, TABLE).rawItems())[1]!.body as string), payload: { ruleId: 'auth.root-mfa', principals: [], justification: 'hardware token on order', owner: 'ciso@example.com', expires: '2027-12-31' } }),
          },
        },
      }),
    );
    const { body } = await get('/register');
    expect(body).toContain('REGISTER NOT VERIFIED');
    expect(body).toMatch(/register item 2 \(A-bbbbbbbbbbbb, acceptance\) was modified/);
    expect(body).toMatch(/<tr class="tampered"><th scope="row" class="mono">A-bbbbbbbbbbbb<\/th>/);
  });
});
