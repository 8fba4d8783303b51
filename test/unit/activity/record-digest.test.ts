import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { ActivityAggregator, eventTimeOfBytes, hash53, hash53Ascii, ingestLogBuffer, ingestLogText, parseEventTime } from '../../../lib/activity';
import { WINDOW } from './helpers';

const ACCOUNT = '111122223333';

/** JSON text to splice in as it is (to write duplicate keys, which JSON.stringify can't). */
class Raw {
  public constructor(public readonly json: string) {}
}
const RAW = (json: string): Raw => new Raw(json);
const toJson = (value: unknown): string => {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_key, v: unknown) => (v instanceof Raw ? `\u0000raw${raws.push(v.json) - 1}\u0000` : v));
  return text.replace(/"\\u0000raw(\d+)\\u0000"/g, (_m, i: string) => raws[Number(i)] as string);
};
/** A JSON member as text, so that records can also carry duplicate keys. */
const member = (key: string, value: unknown): string => `${JSON.stringify(key)}:${toJson(value)}`;

const times = fc.oneof(
  fc.integer({ min: WINDOW.start.getTime() - 3_600_000, max: WINDOW.end.getTime() + 3_600_000 }).map((ms) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z')),
  fc.integer({ min: WINDOW.start.getTime(), max: WINDOW.end.getTime() - 1 }).map((ms) => new Date(ms).toISOString()),
  fc.constantFrom('2026-01-21T12:00:00+01:00', '2026-02-30T10:00:00Z', '2026-01-21 10:00:00Z', 'yesterday', '2026-01-21T25:00:00Z', 1768993200000, null),
);
const users = fc.constantFrom('alice', 'bob', 'éloïse', 'carol"quote', 'dave');
const identities = fc.oneof(
  users.map((u) => ({ type: 'IAMUser', principalId: 'AIDAEXAMPLE', arn: `arn:aws:iam::${ACCOUNT}:user/${u}`, accountId: ACCOUNT, userName: u })),
  users.map((u) => ({
    type: 'AssumedRole',
    principalId: `AROAEXAMPLE:${u}`,
    arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Adviser/${u}`,
    sessionContext: { sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${ACCOUNT}:role/Adviser` } },
  })),
  fc.constant({ type: 'AWSService', invokedBy: 'lambda.amazonaws.com' }),
  fc.constant({ type: 'IdentityCenterUser', onBehalfOf: { userId: 'u-1' } }),
  fc.constant({ type: 'IAMUser', arn: 42 }),
  fc.constant('not an object'),
);
/** Mostly plain values (so that most records can take the fast path), sometimes odd ones. */
const strings = (values: string[]) => fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...values) }, { weight: 1, arbitrary: fc.constantFrom(7, null, '', 'é-ünïcode', 'esc\\"aped') });
const resources = fc.oneof(
  fc.array(fc.oneof(fc.nat(20).map((n) => ({ type: 'AWS::S3::Object', ARN: `arn:aws:s3:::bucket/doc-${n}` })), fc.constant({ type: 'AWS::S3::Bucket' }), fc.constant('x'), fc.constant({ ARN: 5 })), { maxLength: 3 }),
  // a resource whose ARN key is repeated (JSON.parse keeps the last)
  fc.nat(20).map((n) => [RAW(`{"ARN":"arn:aws:s3:::bucket/first-${n}","ARN":"arn:aws:s3:::bucket/doc-${n}"}`)]),
  fc.constant({ ARN: 'arn:aws:s3:::not-an-array' }),
  fc.constant(null),
);
const requests = fc.oneof(
  fc.record({ bucketName: strings(['bucket', 'other']), key: strings(['k1', 'k2']) }, { requiredKeys: [] }),
  fc.record({ tableName: strings(['jobseekers']) }),
  fc.constant({ requestItems: [{ tableName: 't', keys: [{}, {}, {}] }] }),
  fc.constant({ transactItems: [{}, {}] }),
  fc.constant(null),
  fc.constant('a string'),
);

/** Members of one record, from which a file's text is made (with, sometimes, a key repeated). */
const record = fc
  .record(
    {
      eventVersion: fc.constant('1.09'),
      userIdentity: identities,
      eventTime: times,
      eventSource: strings(['s3.amazonaws.com', 'dynamodb.amazonaws.com', 'ec2.amazonaws.com']),
      eventName: strings(['GetObject', 'GetItem', 'BatchGetItem', 'Query', 'DescribeInstances', 'PutObject']),
      sourceIPAddress: strings(['203.0.113.5', '198.51.100.7', '10.0.0.1']),
      userAgent: strings(['aws-cli/2.15.0', '[aws-sdk-js/3.700.0 ua/2.1 os/linux lang/js]']),
      errorCode: strings(['AccessDenied', 'Client.UnauthorizedOperation', 'ThrottlingException']),
      requestParameters: requests,
      responseElements: fc.oneof(fc.constant(null), fc.constant({ count: 12 }), fc.constant({ Count: 3 }), fc.constant({ other: 1 })),
      additionalEventData: fc.oneof(fc.record({ bytesTransferredOut: fc.oneof(fc.nat(10_000_000), fc.constant('2048'), fc.constant(-5), fc.constant('x')) }), fc.constant(null)),
      resources,
    },
    { requiredKeys: ['eventVersion', 'userIdentity', 'eventTime'] },
  )
  .chain((members) =>
    fc.record({ members: fc.constant(members), duplicate: fc.option(fc.constantFrom(...Object.keys(members)), { freq: 8 }), spaced: fc.boolean() }),
  )
  .map(({ members, duplicate, spaced }) => {
    const parts = Object.entries(members).map(([k, v]) => member(k, v));
    if (duplicate) parts.push(member(duplicate, duplicate === 'userIdentity' ? { type: 'IAMUser', arn: `arn:aws:iam::${ACCOUNT}:user/zed` } : 'dup'));
    return `{${parts.join(spaced ? ', ' : ',')}}`;
  });

const file = fc.array(record, { minLength: 1, maxLength: 25 }).map((records) => `{"Records":[${records.join(',')}]}`);

describe('record digest (the fast path from scanned log files)', () => {
  it('counts exactly what JSON.parse + ActivityAggregator.add count, record by record', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(file, { minLength: 1, maxLength: 4 }), async (files) => {
        const fast = new ActivityAggregator({ window: WINDOW, exactDistinctLimit: 8 });
        const exact = new ActivityAggregator({ window: WINDOW, exactDistinctLimit: 8 });
        for (const [i, text] of files.entries()) {
          await ingestLogBuffer(Buffer.from(text, 'utf8'), `f${i}.json`, fast);
          ingestLogText(text, `f${i}.json`, exact);
        }
        expect(fast.finish()).toEqual(exact.finish());
      }),
      { numRuns: 300 },
    );
  });

  it('counts a key repeated inside a record as JSON.parse does (the last one), at every level it reads', async () => {
    const base = (inner: string): string =>
      `{"userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::${ACCOUNT}:user/a"},"eventTime":"2026-01-21T10:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject",${inner}}`;
    const repeated = [
      '"resources":[{"ARN":"arn:aws:s3:::b/first","ARN":"arn:aws:s3:::b/last"}]',
      '"userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/a","arn":"arn:aws:iam::111122223333:user/z"}',
      '"requestParameters":{"bucketName":"first","bucketName":"last","key":"k"}',
      '"requestParameters":{"bucketName":"b","key":"first","key":"last"}',
      '"additionalEventData":{"bytesTransferredOut":5,"bytesTransferredOut":7}',
      '"sourceIPAddress":"198.51.100.1","sourceIPAddress":"198.51.100.2"',
      '"errorCode":"AccessDenied","errorCode":""',
    ];
    for (const inner of repeated) {
      // the first record makes the principal known, so the second one can take the fast path
      const text = `{"Records":[${base('"resources":[{"ARN":"arn:aws:s3:::b/0"}]')},${base(inner)}]}`;
      const fast = new ActivityAggregator({ window: WINDOW });
      const exact = new ActivityAggregator({ window: WINDOW });
      await ingestLogBuffer(Buffer.from(text), 'f.json', fast);
      ingestLogText(text, 'f.json', exact);
      expect(fast.finish(), inner).toEqual(exact.finish());
    }
  });

  it('takes the fast path for plain records of known principals', async () => {
    const rec = (i: number): string =>
      JSON.stringify({
        userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::${ACCOUNT}:user/u${i % 3}` },
        eventTime: '2026-01-21T10:00:00Z',
        eventSource: 's3.amazonaws.com',
        eventName: 'GetObject',
        sourceIPAddress: '203.0.113.5',
        additionalEventData: { bytesTransferredOut: 100 },
        resources: [{ ARN: `arn:aws:s3:::b/${i}` }],
      });
    const aggregator = new ActivityAggregator({ window: WINDOW });
    const add = vi.spyOn(aggregator, 'add');
    await ingestLogBuffer(Buffer.from(`{"Records":[${Array.from({ length: 30 }, (_, i) => rec(i)).join(',')}]}`), 'f.json', aggregator);
    expect(add).toHaveBeenCalledTimes(3); // the first event of each principal
    const section = aggregator.finish();
    expect(section.totals.events).toBe(30);
    expect(section.principals.map((p) => [p.calls, p.dataReads.bytes, p.distinctResources.count])).toEqual([
      [10, 1000, 10],
      [10, 1000, 10],
      [10, 1000, 10],
    ]);
  });

  it('hashes ASCII bytes as hash53 hashes the string, and reads event times as parseEventTime does', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary-ascii', maxLength: 80 }), (s) => {
        expect(hash53Ascii(Buffer.from(s, 'latin1'), 0, s.length)).toBe(hash53(s));
      }),
    );
    const stamp = fc.tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }), fc.integer({ min: 0, max: 24 }), fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 60 }), fc.option(fc.integer({ min: 0, max: 999 })));
    fc.assert(
      fc.property(stamp, ([y, mo, d, h, mi, s, ms]) => {
        const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
        const text = `${pad(y, 4)}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(s)}${ms === null ? '' : `.${pad(ms, 3)}`}Z`;
        const fast = eventTimeOfBytes(Buffer.from(text), 0, text.length);
        if (!Number.isNaN(fast)) expect(fast).toBe(parseEventTime(text));
        if (y >= 1970 && mo >= 1 && mo <= 12 && d >= 1 && d <= 28 && h < 24 && mi < 60 && s < 60) expect(fast).not.toBeNaN();
      }),
      { numRuns: 2000 },
    );
  });
});
