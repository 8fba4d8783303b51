import { describe, expect, it } from 'vitest';
import { buildCollectionContext, catalogSha256, mappingSha256, redactArguments, snapshotScope } from '../../../lib/accountability/context';
import { buildRunRecords } from '../../../lib/evidence';
import { FRAMEWORKS } from '../../../lib/frameworks';
import { RULES, evaluateRules } from '../../../lib/rules';
import { loadScenario } from '../../../lib/scenarios';
import { SECTION_NAMES } from '../../../lib/snapshot/schema';

const AT = '2026-01-22T06:00:00.000Z';

describe('collection context', () => {
  it('redacts the ExternalId in both spellings and keeps every other argument', () => {
    expect(redactArguments(['collect', '--live', '--role-arn', 'arn:aws:iam::1:role/r', '--external-id', 's3cret', '--external-id=other', '--region', 'eu-west-3'])).toEqual([
      'collect',
      '--live',
      '--role-arn',
      'arn:aws:iam::1:role/r',
      '--external-id',
      '[redacted]',
      '--external-id=[redacted]',
      '--region',
      'eu-west-3',
    ]);
  });

  it('fingerprints the parameters applied, the catalog and the mapping, and reads the scope from the snapshot', () => {
    const { snapshot } = loadScenario('france-travail', { collectedAt: AT });
    const records = buildRunRecords({ snapshot, findings: evaluateRules(RULES, snapshot), runId: 'r1' });
    const context = buildCollectionContext({ snapshot, records, collectedBy: { identity: 'alice@host', via: 'os', host: 'host' }, argv: ['collect', '--scenario', 'france-travail'], rules: RULES });
    expect(context).toMatchObject({ accountId: snapshot.account.id, runId: 'r1', collectedAt: AT, catalogRules: RULES.length, scope: { sourceKind: 'scenario', sourceName: 'france-travail' } });
    // Same inputs, same context; another threshold, another parameters hash.
    expect(buildCollectionContext({ snapshot, records, collectedBy: { identity: 'alice@host', via: 'os', host: 'host' }, argv: ['collect', '--scenario', 'france-travail'], rules: RULES })).toEqual(context);
    const stricter = buildRunRecords({ snapshot, findings: evaluateRules(RULES, snapshot, { parameters: { 'access.stale-credentials': { maxKeyAgeDays: 30 } } }), runId: 'r1' });
    expect(buildCollectionContext({ snapshot, records: stricter, collectedBy: context.collectedBy, argv: [], rules: RULES }).parametersSha256).not.toBe(context.parametersSha256);
    // The catalog and mapping fingerprints move with the catalog and the mapping, not with the run.
    expect(catalogSha256(RULES.slice(1))).not.toBe(context.catalogSha256);
    const remapped = FRAMEWORKS.map((f) => ({ ...f, requirements: f.requirements.map((r, i) => (i === 0 ? { ...r, ruleIds: [] } : r)) }));
    expect(mappingSha256(remapped)).not.toBe(context.mappingSha256);
    // Scope: trail home regions are regions read; sections absent from the snapshot are named.
    const scope = snapshotScope(snapshot);
    for (const t of snapshot.trails ?? []) expect(scope.regions).toContain(t.HomeRegion);
    expect(scope.sections.length + scope.sectionsMissing.length).toBe(SECTION_NAMES.length);
    expect(scope.sections).toContain('credentialReport');
  });
});
