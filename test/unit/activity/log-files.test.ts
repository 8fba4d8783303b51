import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { ActivityAggregator, LogFileError, type ReadProgress, deliveryTimeOf, gunzipBounded, gunzipBoundedSync, ingestLogBuffer, parseS3Url, readLogDirectory, readS3Prefix } from '../../../lib/activity';
import { iamUserRecord, officeTime, WINDOW } from './helpers';

const logFile = (records: unknown[]): Buffer => gzipSync(JSON.stringify({ Records: records }));

function tree(): string {
  const dir = mkdtempSync(join(tmpdir(), 'art32-activity-'));
  const day = join(dir, 'AWSLogs', '111122223333', 'CloudTrail', 'eu-west-3', '2026', '01', '21');
  mkdirSync(day, { recursive: true });
  writeFileSync(join(day, '111122223333_CloudTrail_eu-west-3_20260121T0905Z_aaaa.json.gz'), logFile([iamUserRecord({ time: officeTime(0) }), iamUserRecord({ time: officeTime(1) })]));
  writeFileSync(join(day, 'plain.json'), JSON.stringify({ Records: [iamUserRecord({ user: 'bob', time: officeTime(2) })] }));
  // a gzip file cut in the middle, as an interrupted copy leaves it
  const whole = logFile([iamUserRecord({ time: officeTime(3) })]);
  writeFileSync(join(day, 'truncated.json.gz'), whole.subarray(0, Math.floor(whole.length / 2)));
  writeFileSync(join(day, 'broken.json'), '{"Records": [ {"eventTime": "2026-01-21T09:00:00Z"');
  writeFileSync(join(day, 'not-trail.json'), JSON.stringify({ hello: 'world' }));
  writeFileSync(join(day, 'notes.txt'), 'ignored');
  // delivered long before the window: pruned by name without being opened
  writeFileSync(join(day, '111122223333_CloudTrail_eu-west-3_20260101T0905Z_bbbb.json.gz'), Buffer.from('not even gzip'));
  // digest files are integrity proofs, not events
  const digestDir = join(dir, 'AWSLogs', '111122223333', 'CloudTrail-Digest', 'eu-west-3');
  mkdirSync(digestDir, { recursive: true });
  writeFileSync(join(digestDir, 'digest.json.gz'), gzipSync(JSON.stringify({ digestStartTime: '2026-01-21T08:00:00Z' })));
  return dir;
}

describe('readLogDirectory', () => {
  it('reads every good file, names each bad one, and marks the source incomplete', async () => {
    const dir = tree();
    const aggregator = new ActivityAggregator({ window: WINDOW });
    const source = await readLogDirectory(dir, aggregator);
    const section = aggregator.finish();

    expect(section.totals.events).toBe(3);
    expect(section.principals.map((p) => p.principal.split('/').pop())).toEqual(['alice', 'bob']);
    expect(source).toMatchObject({ kind: 'log-directory', complete: false, filesRead: 2, filesSkipped: 1, eventsRead: 3 });
    expect(section.fileErrorCount).toBe(3);
    const byFile = Object.fromEntries(section.fileErrors.map((e) => [e.file.split('/').pop(), e]));
    expect(byFile['truncated.json.gz']?.code).toBe('InvalidGzip');
    expect(byFile['truncated.json.gz']?.message).toContain('truncated.json.gz');
    expect(byFile['broken.json']?.code).toBe('InvalidJson');
    expect(byFile['broken.json']?.message).toMatch(/broken\.json: not valid JSON/);
    expect(byFile['not-trail.json']?.code).toBe('NotCloudTrail');
  });

  it('reports progress as files complete, and a last update with the totals', async () => {
    const updates: ReadProgress[] = [];
    const aggregator = new ActivityAggregator({ window: WINDOW });
    await readLogDirectory(tree(), aggregator, { progress: (p) => updates.push(p), progressIntervalMs: 0 });
    // 5 log files read or failed (the one delivered before the window and the digest are never opened)
    expect(updates.at(-1)).toEqual({ filesDone: 5, filesFailed: 3, filesFound: 5, listingDone: true, eventsRead: 3, finished: true });
    expect(updates.slice(0, -1).every((u) => !u.finished && u.listingDone && u.filesFound === 5)).toBe(true);
    expect(updates.map((u) => u.filesDone)).toEqual([1, 2, 3, 4, 5, 5]);
  });

  it('reports an unreadable directory as an error, not as an empty window', async () => {
    const aggregator = new ActivityAggregator({ window: WINDOW });
    const source = await readLogDirectory('/nonexistent/art32-logs', aggregator);
    expect(source.complete).toBe(false);
    expect(aggregator.finish().fileErrors[0]?.message).toContain('/nonexistent/art32-logs');
  });

  it('reads the delivery time from CloudTrail file names', () => {
    expect(deliveryTimeOf('111122223333_CloudTrail_eu-west-3_20260121T0905Z_abc.json.gz')).toBe(Date.parse('2026-01-21T09:05:00Z'));
    expect(deliveryTimeOf('export.json')).toBeUndefined();
  });
});

describe('ingestLogBuffer', () => {
  it('keeps a non-ASCII user name intact through a gzip log file', async () => {
    const aggregator = new ActivityAggregator({ window: WINDOW });
    await ingestLogBuffer(logFile([iamUserRecord({ user: 'éloïse', time: officeTime(0) })]), 'f.json.gz', aggregator);
    expect(aggregator.finish().principals.map((p) => p.principal)).toEqual(['arn:aws:iam::111122223333:user/éloïse']);
  });

  it('gunzips the same in the calling thread (worker threads) as through the stream, with the same refusals', async () => {
    const whole = logFile(Array.from({ length: 200 }, (_, i) => iamUserRecord({ time: officeTime(i) })));
    expect(gunzipBoundedSync(whole, 'f.json.gz', 1 << 24).equals(await gunzipBounded(whole, 'f.json.gz', 1 << 24))).toBe(true);

    const refusal = (run: () => unknown): LogFileError => {
      try {
        run();
      } catch (error) {
        if (error instanceof LogFileError) return error;
        throw error;
      }
      throw new Error('expected a LogFileError');
    };
    const cut = whole.subarray(0, whole.length >> 1);
    expect(refusal(() => gunzipBoundedSync(cut, 'cut.json.gz', 1 << 24))).toMatchObject({ file: 'cut.json.gz', code: 'InvalidGzip' });
    await expect(gunzipBounded(cut, 'cut.json.gz', 1 << 24)).rejects.toMatchObject({ code: 'InvalidGzip' });
    // a "gzip bomb": refused as soon as the output passes the limit, in both
    const bomb = gzipSync(Buffer.alloc(8 << 20));
    expect(refusal(() => gunzipBoundedSync(bomb, 'bomb.gz', 1 << 20))).toMatchObject({ file: 'bomb.gz', code: 'TooLarge' });
    await expect(gunzipBounded(bomb, 'bomb.gz', 1 << 20)).rejects.toMatchObject({ code: 'TooLarge' });

    const aggregator = new ActivityAggregator({ window: WINDOW });
    expect(await ingestLogBuffer(whole, 'f.json.gz', aggregator, undefined, true)).toEqual({ records: 200, digest: false });
    expect(aggregator.finish().totals.events).toBe(200);
  });
});

describe('readS3Prefix', () => {
  const s3 = mockClient(S3Client);
  afterEach(() => s3.reset());

  // The SDK's Body is a Node Readable (an async iterable of byte chunks) in Node.js.
  const body = (bytes: Buffer) => Readable.from([bytes]);

  it('lists every page, streams each object, and names the corrupt one', async () => {
    const prefix = 'AWSLogs/111122223333/CloudTrail/eu-west-3/2026/01/21/';
    const good = `${prefix}111122223333_CloudTrail_eu-west-3_20260121T0905Z_a.json.gz`;
    const second = `${prefix}111122223333_CloudTrail_eu-west-3_20260121T1005Z_b.json.gz`;
    const bad = `${prefix}111122223333_CloudTrail_eu-west-3_20260121T1105Z_c.json.gz`;
    s3.on(ListObjectsV2Command, { Bucket: 'trail-bucket', Prefix: prefix, ContinuationToken: undefined }).resolves({
      IsTruncated: true,
      NextContinuationToken: 'page-2',
      KeyCount: 2,
      Contents: [{ Key: good, Size: 100 }, { Key: `${prefix}readme.txt`, Size: 3 }],
    });
    s3.on(ListObjectsV2Command, { Bucket: 'trail-bucket', Prefix: prefix, ContinuationToken: 'page-2' }).resolves({
      IsTruncated: false,
      KeyCount: 2,
      Contents: [{ Key: second, Size: 100 }, { Key: bad, Size: 10 }],
    });
    s3.on(GetObjectCommand, { Bucket: 'trail-bucket', Key: good }).resolves({ Body: body(logFile([iamUserRecord({ time: officeTime(0) })])) } as never);
    s3.on(GetObjectCommand, { Bucket: 'trail-bucket', Key: second }).resolves({ Body: body(logFile([iamUserRecord({ time: officeTime(60), bytesOut: 42 })])) } as never);
    s3.on(GetObjectCommand, { Bucket: 'trail-bucket', Key: bad }).resolves({ Body: body(Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x01])) } as never);

    const aggregator = new ActivityAggregator({ window: WINDOW });
    const updates: ReadProgress[] = [];
    const source = await readS3Prefix(new S3Client({ region: 'eu-west-3' }), `s3://trail-bucket/${prefix}`, aggregator, { progress: (p) => updates.push(p), progressIntervalMs: 0 });
    const section = aggregator.finish();
    expect(updates.every((u) => u.filesDone <= u.filesFound)).toBe(true);
    expect(updates.at(-1)).toEqual({ filesDone: 3, filesFailed: 1, filesFound: 3, listingDone: true, eventsRead: 2, finished: true });
    expect(section.totals.events).toBe(2);
    expect(section.principals[0]?.dataReads.bytes).toBe(42);
    expect(source).toMatchObject({ kind: 's3-prefix', complete: false, filesRead: 2, apiCalls: 5 });
    expect(section.fileErrors).toEqual([expect.objectContaining({ file: `s3://trail-bucket/${bad}`, code: 'InvalidGzip' })]);
  });

  it('records a failed listing as truncation', async () => {
    s3.on(ListObjectsV2Command).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));
    const aggregator = new ActivityAggregator({ window: WINDOW });
    const source = await readS3Prefix(new S3Client({ region: 'eu-west-3' }), 's3://trail-bucket/AWSLogs/', aggregator);
    expect(source.complete).toBe(false);
    expect(source.truncation?.reason).toBe('AccessDenied');
    expect(aggregator.finish()).toMatchObject({ truncated: true, coverage: 0 });
  });

  it('rejects a URL that is not s3://bucket/prefix', () => {
    expect(() => parseS3Url('https://bucket/x')).toThrow(/s3:\/\/bucket/);
    expect(parseS3Url('s3://b/AWSLogs/1/')).toEqual({ bucket: 'b', prefix: 'AWSLogs/1/' });
  });
});
