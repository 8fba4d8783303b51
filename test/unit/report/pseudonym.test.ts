/**
 * Pseudonymised reports: people (IAM users, role sessions, federated users) are replaced by
 * stable keyed pseudonyms in every string of the email — who/what lines and the rules'
 * messages, which also name users bare ("…: alice, bob.") or as "user/alice" — while roles and
 * accounts keep their names; the purpose of the report is stated on every email.
 */
import { describe, expect, it } from 'vitest';
import { buildReportModel } from '../../../lib/report/model';
import { renderEmail } from '../../../lib/report/email';
import { namesToPseudonymise, personNamesIn, personOf, PseudonymMissingError, Pseudonymiser, PSEUDONYM_RE, pseudonymiseReport, pseudonymiseReportWith, pseudonymOf, resolvePseudonym } from '../../../lib/report/pseudonym';
import { A1, day, record } from './fixtures';

const KEY = Buffer.alloc(32, 7);
const OTHER = Buffer.alloc(32, 9);
const ALICE = `arn:aws:iam::${A1}:user/staff/alice.martin`;
const SESSION = `arn:aws:sts::${A1}:assumed-role/AWSReservedSSO_Adviser_0123/adviser-41@agency.example`;
const ROLE = `arn:aws:iam::${A1}:role/deploy`;

describe('pseudonyms', () => {
  it('are stable under one key, differ under another, and look like p- + 12 base32 characters', () => {
    expect(pseudonymOf(KEY, 'alice.martin')).toBe(pseudonymOf(KEY, 'alice.martin'));
    expect(pseudonymOf(KEY, 'alice.martin')).not.toBe(pseudonymOf(OTHER, 'alice.martin'));
    expect(pseudonymOf(KEY, 'alice.martin')).not.toBe(pseudonymOf(KEY, 'alice.martin2'));
    expect(pseudonymOf(KEY, 'alice.martin')).toMatch(PSEUDONYM_RE);
    expect(() => new Pseudonymiser(Buffer.alloc(8))).toThrow(/16 bytes/);
  });

  it('replace people, never roles, the root or resources', () => {
    expect(personOf(ALICE)).toEqual({ prefix: `arn:aws:iam::${A1}:user/staff/`, name: 'alice.martin' });
    expect(personOf(SESSION)?.name).toBe('adviser-41@agency.example');
    expect(personOf(`arn:aws:sts::${A1}:federated-user/bob`)?.name).toBe('bob');
    expect(personOf(ROLE)).toBeUndefined();
    expect(personOf(`arn:aws:iam::${A1}:root`)).toBeUndefined();
    expect(personOf('arn:aws:s3:::bucket/alice')).toBeUndefined();
    const p = new Pseudonymiser(KEY);
    expect(p.arn(ALICE)).toBe(`arn:aws:iam::${A1}:user/staff/${p.name('alice.martin')}`);
    expect(p.arn(SESSION)).toBe(`arn:aws:sts::${A1}:assumed-role/AWSReservedSSO_Adviser_0123/${p.name('adviser-41@agency.example')}`);
    expect(p.arn(ROLE)).toBe(ROLE);
  });

  it('replace names in free text: ARNs, bare names in lists, user/name, a final full stop', () => {
    const p = new Pseudonymiser(KEY);
    const known = new Set(['alice.martin', 'bob', 'bo']);
    const text = p.text(`2 users: alice.martin, bob. ${SESSION}: 69% errors | user/bob: create-access-key; role deploy kept; bobby stays.`, known);
    expect(text).not.toMatch(/alice|adviser-41|\bbob\b/);
    expect(text).toContain(`${p.name('alice.martin')}, ${p.name('bob')}.`);
    expect(text).toContain(`user/${p.name('bob')}:`);
    expect(text).toContain('role deploy kept; bobby stays.');
  });

  it('the pseudonymised email names nobody and says how to resolve; every email states the purpose', async () => {
    const runs = [
      {
        accountId: A1,
        runId: 'run-1',
        collectedAt: day(1),
        records: [
          { ...record('auth.console-mfa', 'PASS'), message: 'ok' },
          { ...record('monitoring.abnormal-activity', 'PASS'), message: 'ok' },
        ],
      },
      {
        accountId: A1,
        runId: 'run-2',
        collectedAt: day(2),
        records: [
          { ...record('auth.console-mfa', 'FAIL', [ALICE]), message: '1 of 3 console users have no active MFA: alice.martin.' },
          { ...record('monitoring.abnormal-activity', 'FAIL', [SESSION, ROLE]), message: `1 principal(s) over a threshold: ${SESSION}: access-denied rate 69.0%` },
        ],
      },
    ];
    const model = buildReportModel({ runs, integrity: [], now: day(2, 12), rules: [], frameworks: [] });
    const plain = renderEmail(model);
    expect(plain.text).toContain('alice.martin');
    expect(plain.text).toContain('Purpose: the security of the processing (GDPR Art. 32) only');
    expect(plain.text).toContain('never to evaluate staff or count working hours');
    const p = new Pseudonymiser(KEY);
    const email = renderEmail(pseudonymiseReport(model, p), { pseudonymised: true });
    for (const part of [email.text, email.html]) {
      expect(part).not.toMatch(/alice|adviser-41|agency\.example/);
      expect(part).toContain(p.name('alice.martin'));
      expect(part).toContain(p.name('adviser-41@agency.example'));
      expect(part).toContain('deploy');
      expect(part).toContain('art32 pseudonym resolve');
    }
    // The model itself is not modified (the audit report and the record of the send use it).
    expect(model.changes.some((c) => c.resources.includes(ALICE))).toBe(true);

    // Precomputed pseudonyms (the KMS path) give the same email from exactly the names it asks for,
    // and refuse — never print — a name that was not computed.
    const needed = namesToPseudonymise(model);
    expect([...needed].sort()).toEqual(['adviser-41@agency.example', 'alice.martin']);
    const table = new Map([...needed].map((n) => [n, p.name(n)]));
    const viaTable = renderEmail(await pseudonymiseReportWith(model, { forNames: (names) => Promise.resolve(Pseudonymiser.precomputed(new Map([...names].map((n) => [n, table.get(n) as string])))) }), { pseudonymised: true });
    expect(viaTable.text).toBe(email.text);
    const partial = Pseudonymiser.precomputed(new Map([['alice.martin', p.name('alice.martin')]]));
    expect(() => pseudonymiseReport(model, partial)).toThrow(PseudonymMissingError);
  });

  it('resolve: the names found in evidence whose pseudonym matches', () => {
    const p = new Pseudonymiser(KEY);
    const names = personNamesIn([{ resources: { items: [ALICE, ROLE] }, message: 'x', observed: { metrics: [{ principal: SESSION }] } }]);
    expect([...names].sort()).toEqual(['adviser-41@agency.example', 'alice.martin']);
    expect(resolvePseudonym(p.name('alice.martin'), names, p)).toEqual(['alice.martin']);
    expect(resolvePseudonym(p.name('alice.martin'), names, new Pseudonymiser(OTHER))).toEqual([]);
  });
});
