import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { ActivityAggregator, plannedWorkers, readLogDirectory, readS3Prefix, workerLaunch } from '../../../lib/activity';
import { iamUserRecord, officeTime, WINDOW } from './helpers';

const logFile = (records: unknown[]): Buffer => gzipSync(JSON.stringify({ Records: records }));

/** File `f` of a day: 25 calls of a few users, some denied, some reads with bytes. */
function dayFile(f: number): Buffer {
  return logFile(
    Array.from({ length: 25 }, (_, i) =>
      iamUserRecord({
        user: `user-${(f + i) % 6}`,
        time: officeTime((f * 25 + i) % 600),
        ...(i % 7 === 0 ? { errorCode: 'AccessDenied' } : { bytesOut: 100 * i }),
        resource: `arn:aws:s3:::b/${f}/${i}`,
        ip: `198.51.100.${i % 3}`,
      }),
    ),
  );
}

function dayTree(): string {
  const dir = mkdtempSync(join(tmpdir(), 'art32-pool-'));
  const day = join(dir, 'AWSLogs', '111122223333', 'CloudTrail', 'eu-west-3', '2026', '01', '21');
  mkdirSync(day, { recursive: true });
  for (let f = 0; f < 12; f++) writeFileSync(join(day, `111122223333_CloudTrail_eu-west-3_20260121T${String(9 + (f % 10)).padStart(2, '0')}05Z_${f}.json.gz`), dayFile(f));
  const whole = dayFile(99);
  writeFileSync(join(day, 'cut.json.gz'), whole.subarray(0, whole.length >> 1));
  writeFileSync(join(day, 'broken.json'), '{"Records": [');
  return dir;
}

describe('worker pool for log files', () => {
  it('can start workers from the TypeScript sources here, as one bundled script (not tsx in every worker)', () => {
    expect(workerLaunch()?.kind).toBe('bundled');
  });

  it('plans no workers for a handful of files, and at most the requested count', () => {
    expect(plannedWorkers(10, { workers: 2 })).toBe(0); // 10 files < 2 × 32: not worth a thread
    expect(plannedWorkers(1000, { workers: 2 })).toBe(2);
    expect(plannedWorkers(1000, { workers: 1 })).toBe(0); // 1 = in-process
    expect(plannedWorkers(100, { workers: 8, minFilesPerWorker: 25 })).toBe(4);
  });

  it('reads a directory in workers into the same section as in-process, bad files named in the same order', async () => {
    const dir = dayTree();
    const inProcess = new ActivityAggregator({ window: WINDOW });
    const sourceHere = await readLogDirectory(dir, inProcess, { workers: 1 });
    const pooled = new ActivityAggregator({ window: WINDOW });
    const sourcePool = await readLogDirectory(dir, pooled, { workers: 2, minFilesPerWorker: 1 });

    const here = inProcess.finish();
    const there = pooled.finish();
    expect(here.totals.events).toBe(12 * 25);
    expect(there).toEqual(here);
    expect(sourcePool).toEqual(sourceHere);
    expect(sourcePool).toMatchObject({ complete: false, filesRead: 12, eventsRead: 300 });
    expect(there.fileErrors.map((e) => [e.file.split('/').pop(), e.code])).toEqual([
      ['broken.json', 'InvalidJson'],
      ['cut.json.gz', 'InvalidGzip'],
    ]);
  }, 30_000);

  describe('S3', () => {
    const s3 = mockClient(S3Client);
    afterEach(() => s3.reset());

    it('fetches objects here and decodes them in workers, with the same result as in-process', async () => {
      const prefix = 'AWSLogs/111122223333/CloudTrail/eu-west-3/2026/01/21/';
      const keys = Array.from({ length: 6 }, (_, f) => `${prefix}111122223333_CloudTrail_eu-west-3_20260121T1${f}05Z_${f}.json.gz`);
      s3.on(ListObjectsV2Command).resolves({ IsTruncated: false, KeyCount: keys.length + 1, Contents: [...keys, `${prefix}bad.json.gz`].map((Key) => ({ Key, Size: 100 })) });
      keys.forEach((Key, f) => s3.on(GetObjectCommand, { Bucket: 'trail', Key }).callsFake(() => ({ Body: Readable.from([dayFile(f)]) })));
      // A fresh body per call: both reads fetch every object.
      s3.on(GetObjectCommand, { Bucket: 'trail', Key: `${prefix}bad.json.gz` }).callsFake(() => ({ Body: Readable.from([Buffer.from([0x1f, 0x8b, 0x08])]) }));

      const read = async (workers: number) => {
        const aggregator = new ActivityAggregator({ window: WINDOW });
        const source = await readS3Prefix(new S3Client({ region: 'eu-west-3' }), `s3://trail/${prefix}`, aggregator, { workers, minFilesPerWorker: 1 });
        return { source, section: aggregator.finish() };
      };
      const here = await read(1);
      const there = await read(2);
      expect(here.section.totals.events).toBe(150);
      expect(there.section).toEqual(here.section);
      expect(there.source).toEqual(here.source);
      expect(there.section.fileErrors).toEqual([expect.objectContaining({ file: `s3://trail/${prefix}bad.json.gz`, code: 'InvalidGzip' })]);
    }, 30_000);
  });
});
