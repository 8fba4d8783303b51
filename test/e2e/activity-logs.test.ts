/**
 * The scheduled log-file path end to end (activity.source s3): the synthesized state machine runs
 * ListActivityLogs over an organisation trail's bucket (mocked S3 in a log-archive account), the
 * ReadActivityLogs Distributed Map (ItemReader over the JSON Lines manifest, ItemBatcher, a child
 * per batch: test/e2e/distributed-map.ts) with the real worker handler, then each account's
 * CollectAccount merges its partials and `monitoring.abnormal-activity` judges bytes read per
 * principal. Every account ends sealed.
 */
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynalite, type EmbeddedServer } from '../../lib/evidence/embedded';
import { iamUserRecord } from '../unit/activity/helpers';
import { Pipeline, synthesizePipeline, type SynthesizedPipeline } from './harness';

const A = '111122223333';
const B = '444455556666';
const ORG = 'o-abcd123456';
const ARCHIVE = '999988887777';
const TRAIL = 'org-trail-logs';
const DAY_1 = '2026-01-29T05:30:00.000Z';

let server: EmbeddedServer;
let synthesized: SynthesizedPipeline;

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  server = await startDynalite();
  synthesized = synthesizePipeline([A, B], { activity: { source: 's3', bucket: TRAIL, prefix: 'org', bucketAccount: ARCHIVE } });
}, 240_000);
afterAll(() => server?.close());

/** The day before DAY_1 of both accounts, as CloudTrail delivers it: one heavy reader in B (60 MB per read). */
function trailDay(p: Pipeline): number {
  const trail = p.s3.add(TRAIL, ARCHIVE);
  let files = 0;
  for (const account of [A, B]) {
    for (const region of ['eu-west-3', 'us-east-1']) {
      for (let f = 0; f < 5; f++) {
        const hour = String(8 + f * 2).padStart(2, '0');
        const records = Array.from({ length: 12 }, (_, i) =>
          iamUserRecord({
            user: account === B && i % 3 === 0 ? 'extractor' : `user-${i % 4}`,
            time: new Date(Date.parse(`2026-01-28T${hour}:00:00Z`) + i * 60_000).toISOString(),
            bytesOut: account === B && i % 3 === 0 ? 60_000_000 : 1000 + i,
            resource: `arn:aws:s3:::data/${region}/${i}`,
          }),
        );
        const key = `org/AWSLogs/${ORG}/${account}/CloudTrail/${region}/2026/01/28/${account}_CloudTrail_${region}_20260128T${hour}05Z_f${files++}.json.gz`;
        trail.objects.set(key, gzipSync(JSON.stringify({ Records: records })));
      }
    }
  }
  return files;
}

describe('scheduled log-file activity through the deployed state machine', () => {
  it('lists the day, reads it in worker batches, and each account judges bytes read per principal: the heavy reader in B FAILs', async () => {
    const p = await Pipeline.create({ synthesized, endpoint: server.endpoint, tableName: 'art32-e2e-activity' });
    const files = trailDay(p);
    const outcome = await p.execute('daily-1', DAY_1);
    expect(outcome.error).toBeUndefined();
    expect(outcome.status).toBe('SUCCEEDED');
    expect(outcome.output).toMatchObject({ accounts: 2, sealed: 2, unrecorded: 0, lock: 'released' });
    // The lister listed every file; the workers (children of the ReadActivityLogs map) read them all.
    const listed = p.invocations.filter((i) => i.fn === 'listActivityLogs');
    expect(listed).toHaveLength(1);
    const batches = p.invocations.filter((i) => i.fn === 'readActivityLogs');
    expect(batches.length).toBeGreaterThanOrEqual(1);
    expect(batches.flatMap((b) => b.input.Items as unknown[])).toHaveLength(files);
    const judged = async (account: string) => (await p.store.runRecords('daily-1', account)).find((r) => r.ruleId === 'monitoring.abnormal-activity');
    const b = await judged(B);
    expect(b?.status).toBe('FAIL');
    expect(b?.message).toContain('extractor');
    const a = await judged(A);
    expect(a?.status).not.toBe('ERROR');
    expect(a?.status).not.toBe('FAIL');
  });
});
