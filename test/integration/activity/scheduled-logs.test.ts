/**
 * Scheduled log-file activity, lister → workers → reducer, against S3 answering as its API
 * reference documents (s3-buckets.ts): an organisation trail's bucket in a log-archive
 * account, paginated listings, gzip bodies of CloudTrail records, and the faults a day of an
 * organisation meets (AccessDenied on a prefix, NoSuchKey after a lifecycle deletion, a
 * corrupt file, SlowDown past the retries, a worker batch lost for good).
 */
import { gzipSync } from 'node:zlib';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { createHandler as createLister } from '../../../functions/list-activity-logs/handler';
import { createHandler as createWorker } from '../../../functions/read-activity-logs/handler';
import { ActivityAggregator, type ActivitySection } from '../../../lib/activity';
import { manifestKey, partialsPrefix, type LogObjectItem } from '../../../lib/activity/scheduled/layout';
import { mergeRunPartials } from '../../../lib/activity/scheduled/merge-partials';
import { ActivityLogsTransient } from '../../../lib/activity/scheduled/read-batch';
import { collectActivity } from '../../../lib/collectors/activity';
import type { SectionContext } from '../../../lib/collectors/types';
import { activityLogsEnvironment, parseConfig } from '../../../lib/config';
import { RULES, evaluateRules } from '../../../lib/rules';
import { iamUserRecord } from '../../unit/activity/helpers';
import { S3Buckets, s3Error } from './s3-buckets';

beforeAll(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

const ORG = 'o-abcd123456';
const ARCHIVE = '999988887777';
const A = '111122223333';
const B = '444455556666';
const STARTED_AT = '2026-01-22T06:00:00.000Z';
const WINDOW = { start: new Date('2026-01-21T06:00:00Z'), end: new Date(STARTED_AT) };
const RUN = 'run-2026-01-22';

const config = parseConfig({
  accounts: { mode: 'list', ids: [A, B] },
  externalId: 'ext-id-1',
  alarms: 'none',
  activity: { source: 's3', bucket: 'org-trail-logs', prefix: 'org', bucketAccount: ARCHIVE },
});
const activity = config.activity as Extract<typeof config.activity, { source: 's3' }>;
const env = (fn: 'list-activity-logs' | 'read-activity-logs') => activityLogsEnvironment(fn, activity, 'art32-work');

const logFile = (records: unknown[]): Buffer => gzipSync(JSON.stringify({ Records: records }));
/** The key CloudTrail gives a file delivered at `delivered` (UTC, `YYYYMMDDTHHmmZ`). */
function logKey(account: string, region: string, delivered: string, id: string): string {
  const day = `${delivered.slice(0, 4)}/${delivered.slice(4, 6)}/${delivered.slice(6, 8)}`;
  return `org/AWSLogs/${ORG}/${account}/CloudTrail/${region}/${day}/${account}_CloudTrail_${region}_${delivered}_${id}.json.gz`;
}

/** A day of two accounts: reads by several users in two regions, one heavy reader in B. */
function trailDay(s3: S3Buckets): { all: Map<string, unknown[]>; keys: string[] } {
  const trail = s3.add('org-trail-logs', ARCHIVE);
  s3.add('art32-work', '123456789012');
  const all = new Map<string, unknown[]>([[A, []], [B, []]]);
  const keys: string[] = [];
  let n = 0;
  for (const account of [A, B]) {
    for (const region of ['eu-west-3', 'us-east-1']) {
      for (let f = 0; f < 7; f++) {
        const hour = 8 + f * 2; // deliveries 08:05Z … 20:05Z on the 21st
        const records = Array.from({ length: 12 }, (_, i) =>
          iamUserRecord({
            user: `${account === B && i % 3 === 0 ? 'extractor' : `user-${i % 4}`}`,
            time: new Date(Date.parse(`2026-01-21T${String(hour).padStart(2, '0')}:00:00Z`) + i * 60_000).toISOString(),
            bytesOut: account === B && i % 3 === 0 ? 60_000_000 : 1000 + i,
            resource: `arn:aws:s3:::data/${region}/${i}`,
            ...(i === 5 ? { errorCode: 'AccessDenied' } : {}),
          }),
        );
        const key = logKey(account, region, `20260121T${String(hour).padStart(2, '0')}05Z`, `f${n++}`);
        trail.objects.set(key, logFile(records));
        keys.push(key);
        all.get(account)?.push(...records);
      }
    }
    // Before the window (delivered 04:05Z): listed, left out by name.
    trail.objects.set(logKey(account, 'eu-west-3', '20260121T0405Z', 'early'), logFile([iamUserRecord({ time: '2026-01-21T04:00:00Z' })]));
    // Digest files live beside CloudTrail/, not under it.
    trail.objects.set(`org/AWSLogs/${ORG}/${account}/CloudTrail-Digest/eu-west-3/2026/01/21/digest.json.gz`, logFile([]));
  }
  return { all, keys };
}

function manifest(s3: S3Buckets): LogObjectItem[] {
  const text = s3.buckets.get('art32-work')?.objects.get(manifestKey(RUN))?.toString('utf8') ?? '';
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as LogObjectItem);
}

async function list(s3: S3Buckets) {
  const { listActivityLogs } = createLister({ env: env('list-activity-logs'), trailS3: s3.client, workS3: s3.client });
  return listActivityLogs({ runId: RUN, startedAt: STARTED_AT, accounts: [A, B] });
}

async function readAll(s3: S3Buckets, batchSize: number, skip: (index: number) => boolean = () => false) {
  const { readActivityLogs } = createWorker({ env: env('read-activity-logs'), trailS3: s3.client, workS3: s3.client });
  const items = manifest(s3);
  const summaries = [];
  for (let i = 0, b = 0; i < items.length; i += batchSize, b++) {
    if (skip(b)) continue;
    summaries.push(await readActivityLogs({ Items: items.slice(i, i + batchSize), BatchInput: { runId: RUN, startedAt: STARTED_AT } }));
  }
  return summaries;
}

/** The account's section as collect-account builds it: collectActivity with the partials reader. */
async function reduce(s3: S3Buckets, account: string) {
  const ctx = {
    clients: { s3LogReader: (_uri: string, aggregator: ActivityAggregator) => mergeRunPartials(s3.client, { workBucket: 'art32-work', runId: RUN, account }, aggregator) },
    region: 'eu-west-3',
  } as unknown as SectionContext;
  return collectActivity(ctx, { source: 's3', uri: `s3://org-trail-logs/org/`, windowHours: 24, timeZone: 'Europe/Paris' }, new Date(STARTED_AT));
}

/** The CLI's answer for the same records: one aggregator fed them all. */
function direct(records: unknown[]): ActivitySection {
  const aggregator = new ActivityAggregator({ window: WINDOW, timeZone: 'Europe/Paris' });
  for (const r of records) aggregator.add(r);
  return aggregator.finish();
}

function abnormalActivity(section: ActivitySection | undefined, errors: { section: string }[] = []) {
  const snapshot = { schemaVersion: 1, account: { id: B }, collectedAt: STARTED_AT, source: { kind: 'live', name: 'live@eu-west-3', toolVersion: 't' }, ...(section ? { activity: section } : {}), collectionErrors: errors };
  return evaluateRules(RULES, snapshot as never).find((f) => f.ruleId === 'monitoring.abnormal-activity');
}

describe('scheduled log-file activity: lister', () => {
  it('finds the organisation folder, follows every page (ContinuationToken) and lists only the window, asking S3 to check the bucket owner', async () => {
    const s3 = new S3Buckets();
    const { keys } = trailDay(s3);
    s3.pageSize = 3; // every listing pages
    const result = await list(s3);
    expect(result).toMatchObject({ files: keys.length, accounts: 2, accountsWithListingErrors: 0, manifest: { bucket: 'art32-work', key: manifestKey(RUN) } });
    expect(manifest(s3).map((i) => i.k).sort()).toEqual([...keys].sort());
    expect(manifest(s3).every((i) => i.s > 0 && (i.a === A || i.a === B))).toBe(true);
    const listings = s3.mock.commandCalls(GetObjectCommand).length;
    expect(listings).toBe(0);
    const listing = JSON.parse(s3.buckets.get('art32-work')?.objects.get(`activity/${RUN}/listing/${B}.json`)?.toString() ?? '{}');
    expect(listing).toMatchObject({ account: B, regions: ['eu-west-3', 'us-east-1'], filesListed: 14, filesSkipped: 1, listErrorCount: 0, location: `s3://org-trail-logs/org/AWSLogs/${ORG}/${B}/CloudTrail/` });
    const trailCalls = s3.mock.calls().filter((c) => (c.args[0].input as { Bucket?: string }).Bucket === 'org-trail-logs');
    expect(trailCalls.every((c) => (c.args[0].input as { ExpectedBucketOwner?: string }).ExpectedBucketOwner === ARCHIVE)).toBe(true);
  });

  it('a manifest larger than one part is written in multipart parts, never held whole', async () => {
    const s3 = new S3Buckets();
    const { keys } = trailDay(s3);
    const { JsonLinesUpload } = await import('../../../lib/activity/scheduled/jsonl-upload');
    const upload = new JsonLinesUpload(s3.client, 'art32-work', 'm.jsonl', 256);
    for (const k of keys) await upload.write({ a: A, k, s: 1 });
    await upload.close();
    expect(upload.calls).toBeGreaterThan(3);
    expect(s3.openUploads).toBe(0);
    expect(s3.buckets.get('art32-work')?.objects.get('m.jsonl')?.toString().split('\n').filter(Boolean).map((l) => JSON.parse(l).k)).toEqual(keys);
  });

  it('a prefix the bucket policy refuses is recorded for that account; the other account is listed in full', async () => {
    const s3 = new S3Buckets();
    trailDay(s3);
    s3.faults.set(`org-trail-logs/org/AWSLogs/${ORG}/${A}/CloudTrail/us-east-1/2026/01/21/`, s3Error('AccessDenied', 403, 'Access Denied'));
    const result = await list(s3);
    expect(result.accountsWithListingErrors).toBe(1);
    const listingA = JSON.parse(s3.buckets.get('art32-work')?.objects.get(`activity/${RUN}/listing/${A}.json`)?.toString() ?? '{}');
    expect(listingA).toMatchObject({ filesListed: 7, listErrorCount: 1, listErrors: [expect.objectContaining({ code: 'AccessDenied' })] });
    const listingB = JSON.parse(s3.buckets.get('art32-work')?.objects.get(`activity/${RUN}/listing/${B}.json`)?.toString() ?? '{}');
    expect(listingB).toMatchObject({ filesListed: 14, listErrorCount: 0 });
  });

  it('a bucket of another owner than bucketAccount is refused (ExpectedBucketOwner): nothing listed, every account says why', async () => {
    const s3 = new S3Buckets();
    trailDay(s3);
    s3.buckets.get('org-trail-logs')!.owner = '222233334444';
    const result = await list(s3);
    expect(result.files).toBe(0);
    expect(result.accountsWithListingErrors).toBe(2);
  });
});

describe('scheduled log-file activity: workers and reducer', () => {
  it('the merged partials equal the CLI aggregating the same files, whatever the batch size', async () => {
    for (const batchSize of [1, 5, 100]) {
      const s3 = new S3Buckets();
      const { all } = trailDay(s3);
      await list(s3);
      const summaries = await readAll(s3, batchSize);
      expect(summaries.reduce((n, s) => n + s.files, 0)).toBe(28);
      for (const account of [A, B]) {
        const result = await reduce(s3, account);
        const section = result.value as ActivitySection;
        const expected = direct(all.get(account) ?? []);
        expect(section.principals).toEqual(expected.principals);
        expect(section.totals).toEqual(expected.totals);
        expect(section.sources).toEqual([expect.objectContaining({ kind: 's3-prefix', complete: true, filesRead: 14, eventsRead: 168 })]);
      }
    }
  });

  it('the reducer sees bytes read per principal: the heavy reader in B is FAIL (data events, not LookupEvents)', async () => {
    const s3 = new S3Buckets();
    trailDay(s3);
    await list(s3);
    await readAll(s3, 4);
    const section = (await reduce(s3, B)).value as ActivitySection;
    const extractor = section.principals.find((p) => p.principal.endsWith('user/extractor'));
    expect(extractor?.dataReads.bytes).toBe(56 * 60_000_000);
    const finding = abnormalActivity(section);
    expect(finding?.status).toBe('FAIL');
    expect(finding?.message).toContain('extractor');
  });

  it('NoSuchKey (deleted since the listing), AccessDenied (KMS or object policy) and a corrupt file are file errors: the day is partial, never PASS', async () => {
    const s3 = new S3Buckets();
    const { keys } = trailDay(s3);
    await list(s3);
    const aKeys = keys.filter((k) => k.includes(`/${A}/`));
    s3.buckets.get('org-trail-logs')!.objects.delete(aKeys[0]!);
    s3.faults.set(`org-trail-logs/${aKeys[1]}`, s3Error('AccessDenied', 403, 'User is not authorized to perform: kms:Decrypt'));
    s3.buckets.get('org-trail-logs')!.objects.set(aKeys[2]!, Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x01]));
    await readAll(s3, 5);
    const section = (await reduce(s3, A)).value as ActivitySection;
    expect(section.fileErrorCount).toBe(3);
    expect(section.fileErrors.map((e) => e.message).join('\n')).toMatch(/NoSuchKey[\s\S]*AccessDenied: User is not authorized to perform: kms:Decrypt[\s\S]*gzip/);
    expect(section.sources[0]).toMatchObject({ complete: false, filesRead: 11 });
    expect(abnormalActivity(section)?.status).not.toBe('PASS');
  });

  it('SlowDown past the SDK retries fails the batch before it writes anything (the map retries it); a retry writes the same partials once', async () => {
    const s3 = new S3Buckets();
    const { keys } = trailDay(s3);
    await list(s3);
    s3.faults.set(`org-trail-logs/${keys[3]}`, s3Error('SlowDown', 503, 'Please reduce your request rate.'));
    const { readActivityLogs } = createWorker({ env: env('read-activity-logs'), trailS3: s3.client, workS3: s3.client });
    const items = manifest(s3);
    await expect(readActivityLogs({ Items: items.slice(0, 10), BatchInput: { runId: RUN, startedAt: STARTED_AT } })).rejects.toBeInstanceOf(ActivityLogsTransient);
    const work = s3.buckets.get('art32-work')!;
    expect([...work.objects.keys()].filter((k) => k.startsWith(partialsPrefix(RUN, A)))).toEqual([]);
    s3.faults.clear();
    await readAll(s3, 10);
    await readActivityLogs({ Items: items.slice(0, 10), BatchInput: { runId: RUN, startedAt: STARTED_AT } }); // a duplicate delivery of batch 0
    const section = (await reduce(s3, A)).value as ActivitySection;
    expect(section.sources[0]).toMatchObject({ complete: true, filesRead: 14, eventsRead: 168 });
  });

  it('a batch lost for good (map tolerated failure): its files are counted as not read and the day is partial', async () => {
    const s3 = new S3Buckets();
    trailDay(s3);
    await list(s3);
    await readAll(s3, 4, (b) => b === 0);
    const lost = manifest(s3).slice(0, 4).filter((i) => i.a === A).length;
    expect(lost).toBeGreaterThan(0);
    const section = (await reduce(s3, A)).value as ActivitySection;
    expect(section.sources[0]).toMatchObject({ complete: false, filesRead: 14 - lost });
    expect(section.fileErrors).toContainEqual(expect.objectContaining({ message: expect.stringContaining(`${lost} of 14 listed log file(s) were not read`) }));
    expect(abnormalActivity(section)?.status).not.toBe('PASS');
  });

  it('no listing for the account (the lister failed): activity not collected, the rule is ERROR', async () => {
    const s3 = new S3Buckets();
    trailDay(s3);
    const result = await reduce(s3, A);
    expect(result.value).toBeUndefined();
    expect(result.errors).toEqual([expect.objectContaining({ section: 'activity', code: 'NotListed' })]);
    expect(abnormalActivity(undefined, result.errors)?.status).toBe('ERROR');
  });

  it('every listing of the account refused: activity not collected with the S3 error, never an empty PASS', async () => {
    const s3 = new S3Buckets();
    trailDay(s3);
    s3.faults.set(`org-trail-logs/org/AWSLogs/${ORG}/${A}/CloudTrail/`, s3Error('AccessDenied', 403, 'Access Denied'));
    await list(s3);
    await readAll(s3, 5);
    const result = await reduce(s3, A);
    expect(result.errors).toEqual([expect.objectContaining({ section: 'activity', code: 'AccessDenied' })]);
  });
});
