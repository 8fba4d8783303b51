/**
 * Activity aggregation throughput and memory: 1,000,000 CloudTrail events generated
 * in-process, serialised as trail log files (`{"Records":[…]}` of 1,000 records, gzip),
 * then read through the real path (gunzip → JSON.parse → per-principal aggregation).
 *
 * Budget (issue #8): > 200,000 events/s and < 300 MB peak RSS on this machine.
 * Run: node --import tsx bench/activity.ts [events]
 */
import { cpus, loadavg } from 'node:os';
import { gunzipSync, gzipSync } from 'node:zlib';
import { ActivityAggregator, ingestLogText } from '../lib/activity';
import { seededRandom } from '../lib/scenarios/activity/synthetic';

const TOTAL = Number(process.argv[2] ?? 1_000_000);
const PER_FILE = 1000;
const PRINCIPALS = 2000;
const BUDGET_EVENTS_PER_S = 200_000;
const BUDGET_RSS_MB = 300;
const ACCOUNT = '111122223333';
const ROLE = 'AWSReservedSSO_Adviser_5f2b9c0d1e3a4b67';

const end = new Date('2026-01-22T06:00:00Z');
const start = new Date(end.getTime() - 86_400_000);
const random = seededRandom(42);

/**
 * One S3 GetObject / DynamoDB GetItem / DescribeTable record as a trail writes it (about
 * 1.2 kB, like real data events), written as text directly: generating 1M events through
 * objects and JSON.stringify would cost more than reading them.
 */
function recordJson(principal: number, time: number): string {
  const session = `adviser-${principal}@agency.example`;
  const identity = `{"type":"AssumedRole","principalId":"AROAEXAMPLEADVISER01:${session}","arn":"arn:aws:sts::${ACCOUNT}:assumed-role/${ROLE}/${session}","accountId":"${ACCOUNT}","accessKeyId":"ASIAEXAMPLEKEY000001","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAEXAMPLEADVISER01","arn":"arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/eu-west-3/${ROLE}","accountId":"${ACCOUNT}","userName":"${ROLE}"},"attributes":{"creationDate":"2026-01-21T05:00:00Z","mfaAuthenticated":"false"}}}`;
  const common = `"eventVersion":"1.09","userIdentity":${identity},"eventTime":"${new Date(time).toISOString().replace('.000Z', 'Z')}","awsRegion":"eu-west-3","sourceIPAddress":"10.${(principal >> 8) & 255}.${principal & 255}.${Math.floor(random() * 4)}","userAgent":"[aws-sdk-js/3.700.0 ua/2.1 os/linux lang/js md/nodejs#20.19.0 api/s3#3.700.0]"`;
  const error = random() < 0.02 ? ',"errorCode":"AccessDenied","errorMessage":"Access Denied"' : '';
  const id = `"requestID":"${Math.floor(random() * 1e15).toString(16).toUpperCase()}","eventID":"${Math.floor(random() * 1e15).toString(16)}-4000-8000-${principal}"`;
  const pick = random();
  if (pick < 0.5) {
    const key = `dossiers/${Math.floor(random() * 1e6)}.pdf`;
    return `{${common}${error},"eventSource":"s3.amazonaws.com","eventName":"GetObject","requestParameters":{"bucketName":"case-files","Host":"case-files.s3.eu-west-3.amazonaws.com","key":"${key}"},"responseElements":null,"additionalEventData":{"SignatureVersion":"SigV4","CipherSuite":"TLS_AES_128_GCM_SHA256","bytesTransferredIn":0,"AuthenticationMethod":"AuthHeader","x-amz-id-2":"EXAMPLE","bytesTransferredOut":${Math.floor(random() * 2e5)}},${id},"readOnly":true,"resources":[{"type":"AWS::S3::Object","ARN":"arn:aws:s3:::case-files/${key}"},{"accountId":"${ACCOUNT}","type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::case-files"}],"eventType":"AwsApiCall","managementEvent":false,"recipientAccountId":"${ACCOUNT}","eventCategory":"Data"}`;
  }
  if (pick < 0.8) {
    return `{${common}${error},"eventSource":"dynamodb.amazonaws.com","eventName":"GetItem","requestParameters":{"tableName":"jobseekers","key":{"id":"HIDDEN_DUE_TO_SECURITY_REASONS"},"consistentRead":false},"responseElements":null,${id},"readOnly":true,"resources":[{"accountId":"${ACCOUNT}","type":"AWS::DynamoDB::Table","ARN":"arn:aws:dynamodb:eu-west-3:${ACCOUNT}:table/jobseekers"}],"eventType":"AwsApiCall","managementEvent":false,"recipientAccountId":"${ACCOUNT}","eventCategory":"Data"}`;
  }
  return `{${common}${error},"eventSource":"dynamodb.amazonaws.com","eventName":"DescribeTable","requestParameters":{"tableName":"jobseekers"},"responseElements":null,${id},"readOnly":true,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"${ACCOUNT}","eventCategory":"Management"}`;
}

let rawBytes = 0;
function file(index: number): Buffer {
  const records = new Array<string>(PER_FILE);
  for (let i = 0; i < PER_FILE; i++) {
    const time = start.getTime() + Math.floor(((index * PER_FILE + i) / TOTAL) * 86_400_000);
    records[i] = recordJson(Math.floor(random() * PRINCIPALS), time);
  }
  const text = `{"Records":[${records.join(',')}]}`;
  rawBytes += text.length;
  return gzipSync(text, { level: 1 });
}

const aggregator = new ActivityAggregator({ window: { start, end }, timeZone: 'Europe/Paris' });
let peakRss = process.memoryUsage.rss();
let pathNs = 0n;
let pathCpuUs = 0;
let gunzipCpuUs = 0;
let generateNs = 0n;
let compressedBytes = 0;
const wall = process.hrtime.bigint();
for (let f = 0; f < TOTAL / PER_FILE; f++) {
  const g0 = process.hrtime.bigint();
  const bytes = file(f);
  compressedBytes += bytes.length;
  // The read path of ingestLogBuffer, stage by stage: gunzip, then JSON.parse + aggregate.
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  const text = gunzipSync(bytes).toString('utf8');
  const c1 = process.cpuUsage();
  ingestLogText(text, `bench/file-${f}.json.gz`, aggregator);
  const c2 = process.cpuUsage();
  const t1 = process.hrtime.bigint();
  gunzipCpuUs += c1.user + c1.system - c0.user - c0.system;
  pathCpuUs += c2.user + c2.system - c0.user - c0.system;
  generateNs += t0 - g0;
  pathNs += t1 - t0;
  if (f % 20 === 0) peakRss = Math.max(peakRss, process.memoryUsage.rss());
}
const section = aggregator.finish();
const wallS = Number(process.hrtime.bigint() - wall) / 1e9;
peakRss = Math.max(peakRss, process.memoryUsage.rss(), process.resourceUsage().maxRSS * 1024);

const pathS = Number(pathNs) / 1e9;
const pathCpuS = pathCpuUs / 1e6;
const wallRate = section.totals.events / pathS;
const cpuRate = section.totals.events / pathCpuS;
const rssMb = peakRss / 1024 / 1024;
const verdict = (ok: boolean): string => (ok ? 'PASS' : 'OVER');
const [load1] = loadavg();
console.log(`events aggregated:   ${section.totals.events.toLocaleString('en-US')} of ${TOTAL.toLocaleString('en-US')} (${section.totals.principals} principals; ${(rawBytes / 1e6).toFixed(0)} MB JSON, ${(compressedBytes / 1e6).toFixed(0)} MB gzip)`);
console.log(`generation:          ${(Number(generateNs) / 1e9).toFixed(1)} s (not counted)`);
console.log(`read path:           ${pathS.toFixed(2)} s elapsed, ${pathCpuS.toFixed(2)} s CPU (gunzip + JSON.parse + aggregate; bench wall ${wallS.toFixed(1)} s); load average ${load1?.toFixed(1)} on ${cpus().length} cores`);
console.log(`  of which gunzip:   ${(gunzipCpuUs / 1e6).toFixed(2)} s CPU; JSON.parse + aggregation ${((pathCpuUs - gunzipCpuUs) / 1e6).toFixed(2)} s CPU → ${Math.round(section.totals.events / ((pathCpuUs - gunzipCpuUs) / 1e6)).toLocaleString('en-US')} events per CPU-second for uncompressed JSON`);
console.log(`throughput (CPU):    ${Math.round(cpuRate).toLocaleString('en-US')} events per CPU-second  budget > ${BUDGET_EVENTS_PER_S.toLocaleString('en-US')}  ratio ${(cpuRate / BUDGET_EVENTS_PER_S).toFixed(2)}  ${verdict(cpuRate > BUDGET_EVENTS_PER_S)}`);
console.log(`throughput (wall):   ${Math.round(wallRate).toLocaleString('en-US')} events/s elapsed  ratio ${(wallRate / BUDGET_EVENTS_PER_S).toFixed(2)}  ${verdict(wallRate > BUDGET_EVENTS_PER_S)}${load1 !== undefined && load1 > cpus().length ? '  (machine shared: elapsed time includes waiting for a core)' : ''}`);
console.log(`peak RSS:            ${rssMb.toFixed(0)} MB  budget < ${BUDGET_RSS_MB} MB  ratio ${(rssMb / BUDGET_RSS_MB).toFixed(2)}  ${verdict(rssMb < BUDGET_RSS_MB)}`);
const sample = section.principals[0];
if (sample) console.log(`sample principal:    ${sample.calls} calls, ${sample.distinctResources.count} distinct resources (${sample.distinctResources.exact ? 'exact' : 'estimated'})`);
if (!(cpuRate > BUDGET_EVENTS_PER_S && rssMb < BUDGET_RSS_MB)) process.exitCode = 1;
