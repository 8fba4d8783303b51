import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeBreadth, judgedPrincipals } from '../../../lib/breadth/analyze';
import { StoreReach } from '../../../lib/breadth/data-read';
import { evaluateRule, getRule } from '../../../lib/rules';
import { DETAILED_DATA_READS } from '../../../lib/rules/access/permission-breadth';
import { parseSnapshot } from '../../../lib/snapshot';
import { allow, details, type RoleSpec } from './helpers';

const breadth = getRule('access.permission-breadth');

// Data reads of services with and without inventoried stores (s3 / dynamodb stores below), and a write.
const ACTIONS = ['s3:GetObject', 's3:GetObjectVersion', 'dynamodb:Scan', 'dynamodb:GetItem', 'sqs:ReceiveMessage', 'secretsmanager:GetSecretValue', 'logs:GetLogEvents', 'ec2:StartInstances'];
const STORES = ['arn:aws:s3:::bucket-1', 'arn:aws:s3:::bucket-2', 'arn:aws:dynamodb:eu-west-3:111122223333:table/t-1'];

const snapOf = (roles: RoleSpec[], stores: string[] | undefined) =>
  parseSnapshot({
    schemaVersion: 1,
    account: { id: '111122223333' },
    collectedAt: '2026-02-01T00:00:00Z',
    source: { kind: 'scenario', name: 'unit-test', toolVersion: '0.0.0' },
    authorizationDetails: details({ roles }),
    ...(stores ? { personalDataStores: stores.map((ResourceARN) => ({ ResourceARN, Tags: [] })) } : {}),
  });

/**
 * The simple version of the data-read evidence (as the rule built it for every set before it was
 * made lazy): per judged principal with data reads on *, each action split by the stores it reaches;
 * the first DETAILED_DATA_READS principals detailed, the others counted; the PASS message's first three
 * principals with reads reaching no inventoried store.
 */
function expected(snap: ReturnType<typeof snapOf>, stores: string[] | undefined) {
  const analysis = analyzeBreadth({ authorizationDetails: snap.authorizationDetails!, credentialReport: snap.credentialReport, collectedAt: snap.collectedAt });
  const reach = stores ? new StoreReach(stores) : undefined;
  const rows: [string, { reachingPersonalData: { action: string; stores: readonly string[]; storeCount: number }[]; reachingNoInventoriedStore: string[] }][] = [];
  for (const p of judgedPrincipals(analysis.principals, []).judged) {
    if (!p.dataReadOnAll.length) continue;
    const reaching = [];
    const elsewhere = [];
    for (const action of p.dataReadOnAll) {
      const s = reach ? reach.of(action) : [];
      if (reach && !s.length) elsewhere.push(action);
      else reaching.push({ action, stores: s.slice(0, 5), storeCount: s.length });
    }
    rows.push([p.key, { reachingPersonalData: reaching, reachingNoInventoriedStore: elsewhere }]);
  }
  const detailed = Object.fromEntries(rows.slice(0, DETAILED_DATA_READS));
  const notDetailed =
    rows.length > DETAILED_DATA_READS ? { principals: rows.length - DETAILED_DATA_READS, reachingPersonalData: rows.slice(DETAILED_DATA_READS).filter(([, d]) => d.reachingPersonalData.length).length } : undefined;
  const outside = rows.filter(([, d]) => d.reachingNoInventoriedStore.length);
  const outsideText = outside.length
    ? ` Data reads on * reaching no inventoried personal-data store: ${outside.slice(0, 3).map(([k, d]) => `${k} (${d.reachingNoInventoriedStore.slice(0, 4).join(', ')}${d.reachingNoInventoriedStore.length > 4 ? ', …' : ''})`).join('; ')}${outside.length > 3 ? '; …' : ''}.`
    : '';
  return { detailed, notDetailed, outsideText };
}

const roles = (count: fc.Arbitrary<number>) =>
  count.chain((n) => fc.array(fc.subarray(ACTIONS), { minLength: n, maxLength: n })).map((picks) => picks.map((actions, i): RoleSpec => ({ name: `r-${i}`, inline: actions.length ? [[allow(actions)]] : [] })));

describe('permission-breadth data-read evidence (built only for what is reported)', () => {
  const check = (rs: RoleSpec[], stores: string[] | undefined, limit: number) => {
    const snap = snapOf(rs, stores);
    const f = evaluateRule(breadth, snap, { maxDataReadOnAll: limit, maxActions: 10_000, outlierMinActions: 10_000 });
    const want = expected(snap, stores);
    expect(f.observed.dataReadsOnAll).toEqual(want.detailed);
    expect(f.observed.dataReadsOnAllNotDetailed).toEqual(want.notDetailed);
    if (f.status === 'PASS') expect(f.message).toContain(`no outlier.${want.outsideText}`);
    if (want.outsideText === '' && f.status === 'PASS') expect(f.message).not.toContain('reaching no inventoried');
  };

  it('matches the simple version: details, counts past the bound, the PASS message', () => {
    fc.assert(
      fc.property(roles(fc.integer({ min: 0, max: 12 })), fc.option(fc.subarray(STORES), { nil: undefined }), fc.constantFrom(0, 2, 100), (rs, stores, limit) => check(rs, stores, limit)),
      { numRuns: 60 },
    );
  });

  it(`matches the simple version past ${DETAILED_DATA_READS} principals`, () => {
    fc.assert(
      fc.property(roles(fc.constant(DETAILED_DATA_READS + 12)), fc.option(fc.subarray(STORES), { nil: undefined }), (rs, stores) => check(rs, stores, 100)),
      { numRuns: 4 },
    );
  });
});
