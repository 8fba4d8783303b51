/** EventBridge events: which changes are reported, and PutEvents batching and retry (response shapes from the EventBridge API Reference). */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { FINDING_CHANGED, RUN_COMPLETED, classifyChange, findingChanges, putEvents, runCompleted, runEvents, type ChangeInput } from '../../../lib/integrations';
import type { Status } from '../../../lib/rules';

const eb = mockClient(EventBridgeClient);
afterEach(() => eb.reset());

const rec = (ruleId: string, status: Status, runId = 'run-2'): ChangeInput => ({
  accountId: '111122223333', ruleId, status, severity: 'high', message: `${ruleId} ${status}`, requirementIds: ['GDPR-32.1.b'], runId, collectedAt: '2026-11-23T06:00:00.000Z', hash: 'a'.repeat(64),
});

describe('art32 Finding Changed', () => {
  it.each([
    [undefined, 'FAIL', 'new'], ['PASS', 'FAIL', 'new'], ['PASS', 'WARN', 'new'], ['NOT_APPLICABLE', 'FAIL', 'new'], ['ERROR', 'FAIL', 'new'],
    ['WARN', 'FAIL', 'regressed'], ['FAIL', 'PASS', 'fixed'], ['WARN', 'NOT_APPLICABLE', 'fixed'], ['PASS', 'ERROR', 'not-verified'],
    ['FAIL', 'FAIL', undefined], ['PASS', 'PASS', undefined], ['FAIL', 'WARN', undefined], [undefined, 'PASS', undefined], ['ERROR', 'ERROR', undefined],
  ] as [Status | undefined, Status, string | undefined][])('%s → %s: %s', (before, now, change) => {
    expect(classifyChange(before, now)).toBe(change);
  });

  it('one event per changed rule and one Run Completed with counts', () => {
    const previous = [rec('a', 'PASS', 'run-1'), rec('b', 'FAIL', 'run-1'), rec('c', 'WARN', 'run-1'), rec('d', 'FAIL', 'run-1')];
    const current = [rec('a', 'FAIL'), rec('b', 'PASS'), rec('c', 'FAIL'), rec('d', 'FAIL')];
    const changes = findingChanges(current, previous);
    expect(changes.map((c) => [c.ruleId, c.change, c.previousStatus])).toEqual([['a', 'new', 'PASS'], ['b', 'fixed', 'FAIL'], ['c', 'regressed', 'WARN']]);
    const done = runCompleted({ accountId: '111122223333', runId: 'run-2', collectedAt: '2026-11-23T06:00:00.000Z', complete: true, manifestHash: 'b'.repeat(64), records: current, changes });
    expect(done.counts).toEqual({ FAIL: 3, PASS: 1 });
    expect(done.changes).toEqual({ new: 1, regressed: 1, fixed: 1, 'not-verified': 0 });
    const entries = runEvents(changes, done);
    expect(entries.map((e) => e.DetailType)).toEqual([FINDING_CHANGED, FINDING_CHANGED, FINDING_CHANGED, RUN_COMPLETED]);
    for (const e of entries) expect(e.Source).toBe('art32');
  });

  it('puts 10 entries a call and sends refused entries once more', async () => {
    let call = 0;
    eb.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => {
      call++;
      // First call: the 3rd entry is throttled (per-entry error, HTTP 200), as PutEvents reports it.
      const entries = input.Entries.map((_, i) => (call === 1 && i === 2 ? { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' } : { EventId: `id-${call}-${i}` }));
      return { FailedEntryCount: entries.filter((e) => 'ErrorCode' in e).length, Entries: entries };
    });
    const entries = runEvents(Array.from({ length: 14 }, (_, i) => findingChanges([rec(`r${i}`, 'FAIL')], [])[0]!), runCompleted({ accountId: '111122223333', runId: 'run-2', collectedAt: '2026-11-23T06:00:00.000Z', complete: true, manifestHash: 'b'.repeat(64), records: [], changes: [] }));
    const result = await putEvents(new EventBridgeClient({ region: 'eu-west-3' }), entries);
    expect(entries).toHaveLength(15);
    const sizes = eb.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries?.length);
    expect(sizes).toEqual([10, 1, 5]);
    expect(result).toMatchObject({ sent: 15, failed: [], calls: 3 });
  });

  it('an entry refused twice is reported, not lost silently', async () => {
    eb.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'internal' }] });
    const result = await putEvents(new EventBridgeClient({ region: 'eu-west-3' }), runEvents([], runCompleted({ accountId: '111122223333', runId: 'r', collectedAt: '2026-11-23T06:00:00.000Z', complete: false, manifestHash: 'c'.repeat(64), records: [], changes: [] })));
    expect(result.failed).toEqual([{ detailType: RUN_COMPLETED, code: 'InternalFailure', message: 'internal' }]);
  });
});
