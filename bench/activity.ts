/**
 * Activity read path, throughput and memory: 1,000,000 CloudTrail events of ~1.5 kB as
 * trail log files (`{"Records":[…]}` of 1,000 records, gzip, CloudTrail file names) read by
 * `readLogDirectory` — gunzip → WebAssembly scan → digest → per-principal aggregation (with
 * `JSON.parse` + `add` for what the fast path declines) — in-process and with the worker pool.
 * Event times carry milliseconds (CloudTrail writes whole seconds; both forms are read).
 *
 * The files are generated on disk first (not timed), then each measured read runs in a
 * child process of its own, so its `maxRSS` and CPU time are the read path's only (CPU
 * time counts every thread of the child: workers, zlib's thread pool, GC).
 *
 * Budget (issue #8): > 200,000 events/s and < 300 MB peak RSS on this machine.
 * Run: node --import tsx bench/activity.ts [events] [--workers N] [--dir DIR] [--keep]
 *   --dir DIR  reuse (or create) the generated files there instead of a temp dir
 *   --keep     keep the generated files (their directory is printed)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
// The modules a directory read needs (not the package index, which also loads the
// CloudTrail SDK for LookupEvents).
import { ActivityAggregator } from '../lib/activity/aggregator';
import { DEFAULT_MAX_FILE_BYTES, gunzipBoundedSync, readLogDirectory } from '../lib/activity/log-files';
import { LOG_DOCUMENT_PICK, ingestScanned } from '../lib/activity/record-digest';
import { scanJson } from '../lib/activity/scanner';
import { seededRandom } from '../lib/scenarios/activity/synthetic';

const PER_FILE = 1000;
const PRINCIPALS = 2000;
const BUDGET_EVENTS_PER_S = 200_000;
const BUDGET_RSS_MB = 300;
const ACCOUNT = '111122223333';
const ROLE = 'AWSReservedSSO_Adviser_5f2b9c0d1e3a4b67';
const END = new Date('2026-01-22T06:00:00Z');
const START = new Date(END.getTime() - 86_400_000);
const TIME_ZONE = 'Europe/Paris';

interface Measurement {
  workers: number;
  events: number;
  principals: number;
  files: number;
  fileErrors: number;
  wallS: number;
  cpuS: number;
  maxRssMb: number;
  startRssMb: number;
}

interface Stages {
  events: number;
  gunzipCpuS: number;
  scanCpuS: number;
  digestCpuS: number;
  exactParseCpuS: number;
  exactAggregateCpuS: number;
}

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const cpuSeconds = (u: NodeJS.CpuUsage): number => (u.user + u.system) / 1e6;

// ---------------------------------------------------------------- child: one measured read
async function measure(dir: string, workers: number): Promise<Measurement> {
  const startRss = process.memoryUsage.rss();
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const aggregator = new ActivityAggregator({ window: { start: START, end: END }, timeZone: TIME_ZONE });
  const source = await readLogDirectory(dir, aggregator, { workers });
  const section = aggregator.finish();
  const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpuS = cpuSeconds(process.cpuUsage(cpu0));
  return {
    workers,
    events: section.totals.events,
    principals: section.totals.principals,
    files: source.filesRead ?? 0,
    fileErrors: section.fileErrorCount,
    wallS,
    cpuS,
    maxRssMb: (process.resourceUsage().maxRSS * 1024) / 1e6,
    startRssMb: startRss / 1e6,
  };
}

/**
 * Where one core's time goes, on the first `files` files, stage by stage: gunzip, the
 * WebAssembly scan, digest + aggregation (the read path); then, on the same files, the exact
 * path the fast one falls back to (UTF-8 text + JSON.parse, then `ActivityAggregator.add`).
 */
async function stages(dir: string, files: number): Promise<Stages> {
  const fast = new ActivityAggregator({ window: { start: START, end: END }, timeZone: TIME_ZONE });
  const exact = new ActivityAggregator({ window: { start: START, end: END }, timeZone: TIME_ZONE });
  const out: Stages = { events: 0, gunzipCpuS: 0, scanCpuS: 0, digestCpuS: 0, exactParseCpuS: 0, exactAggregateCpuS: 0 };
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.json.gz')).sort().slice(0, files)) {
    const bytes = readFileSync(join(dir, name));
    const c0 = process.cpuUsage();
    const buffer = gunzipBoundedSync(bytes, name, DEFAULT_MAX_FILE_BYTES);
    const c1 = process.cpuUsage();
    const scanned = scanJson(buffer, LOG_DOCUMENT_PICK);
    const c2 = process.cpuUsage();
    const counted = scanned ? ingestScanned(scanned, fast) : undefined;
    const c3 = process.cpuUsage();
    const records = (JSON.parse(buffer.toString('utf8')) as { Records: unknown[] }).Records;
    const c4 = process.cpuUsage();
    for (const record of records) exact.add(record);
    const c5 = process.cpuUsage();
    if (counted !== records.length) throw new Error(`${name}: the scanner path counted ${counted} records, JSON.parse found ${records.length}`);
    out.gunzipCpuS += cpuSeconds(c1) - cpuSeconds(c0);
    out.scanCpuS += cpuSeconds(c2) - cpuSeconds(c1);
    out.digestCpuS += cpuSeconds(c3) - cpuSeconds(c2);
    out.exactParseCpuS += cpuSeconds(c4) - cpuSeconds(c3);
    out.exactAggregateCpuS += cpuSeconds(c5) - cpuSeconds(c4);
    out.events += records.length;
  }
  return out;
}

// ---------------------------------------------------------------- parent: generate, then spawn
/**
 * One S3 GetObject / DynamoDB GetItem / DescribeTable record as a trail writes it (about
 * 1.5 kB, like real data events), written as text directly: generating 1M events through
 * objects and JSON.stringify would cost more than reading them.
 */
function recordJson(random: () => number, principal: number, time: number): string {
  const session = `adviser-${principal}@agency.example`;
  const identity = `{"type":"AssumedRole","principalId":"AROAEXAMPLEADVISER01:${session}","arn":"arn:aws:sts::${ACCOUNT}:assumed-role/${ROLE}/${session}","accountId":"${ACCOUNT}","accessKeyId":"ASIAEXAMPLEKEY000001","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAEXAMPLEADVISER01","arn":"arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/eu-west-3/${ROLE}","accountId":"${ACCOUNT}","userName":"${ROLE}"},"attributes":{"creationDate":"2026-01-21T05:00:00Z","mfaAuthenticated":"false"}}}`;
  const common = `"eventVersion":"1.09","userIdentity":${identity},"eventTime":"${new Date(time).toISOString().replace('.000Z', 'Z')}","awsRegion":"eu-west-3","sourceIPAddress":"10.${(principal >> 8) & 255}.${principal & 255}.${Math.floor(random() * 4)}","userAgent":"[aws-sdk-js/3.700.0 ua/2.1 os/linux lang/js md/nodejs#20.19.0 api/s3#3.700.0]"`;
  const error = random() < 0.02 ? ',"errorCode":"AccessDenied","errorMessage":"Access Denied"' : '';
  const id = `"requestID":"${Math.floor(random() * 1e15).toString(16).toUpperCase()}","eventID":"${Math.floor(random() * 1e15).toString(16)}-4000-8000-${principal}"`;
  const pick = random();
  if (pick < 0.5) {
    const key = `dossiers/${Math.floor(random() * 1e6)}.pdf`;
    return `{${common}${error},"eventSource":"s3.amazonaws.com","eventName":"GetObject","requestParameters":{"bucketName":"jobseeker-documents","Host":"jobseeker-documents.s3.eu-west-3.amazonaws.com","key":"${key}"},"responseElements":null,"additionalEventData":{"SignatureVersion":"SigV4","CipherSuite":"TLS_AES_128_GCM_SHA256","bytesTransferredIn":0,"AuthenticationMethod":"AuthHeader","x-amz-id-2":"EXAMPLE","bytesTransferredOut":${Math.floor(random() * 2e5)}},${id},"readOnly":true,"resources":[{"type":"AWS::S3::Object","ARN":"arn:aws:s3:::jobseeker-documents/${key}"},{"accountId":"${ACCOUNT}","type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::jobseeker-documents"}],"eventType":"AwsApiCall","managementEvent":false,"recipientAccountId":"${ACCOUNT}","eventCategory":"Data"}`;
  }
  if (pick < 0.8) {
    return `{${common}${error},"eventSource":"dynamodb.amazonaws.com","eventName":"GetItem","requestParameters":{"tableName":"jobseekers","key":{"id":"HIDDEN_DUE_TO_SECURITY_REASONS"},"consistentRead":false},"responseElements":null,${id},"readOnly":true,"resources":[{"accountId":"${ACCOUNT}","type":"AWS::DynamoDB::Table","ARN":"arn:aws:dynamodb:eu-west-3:${ACCOUNT}:table/jobseekers"}],"eventType":"AwsApiCall","managementEvent":false,"recipientAccountId":"${ACCOUNT}","eventCategory":"Data"}`;
  }
  return `{${common}${error},"eventSource":"dynamodb.amazonaws.com","eventName":"DescribeTable","requestParameters":{"tableName":"jobseekers"},"responseElements":null,${id},"readOnly":true,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"${ACCOUNT}","eventCategory":"Management"}`;
}

/** CloudTrail's file name: account, region, delivery time (5 min after the file's last event). */
function fileName(index: number, lastEventMs: number): string {
  const delivered = new Date(lastEventMs + 5 * 60_000).toISOString();
  const stamp = `${delivered.slice(0, 4)}${delivered.slice(5, 7)}${delivered.slice(8, 10)}T${delivered.slice(11, 13)}${delivered.slice(14, 16)}Z`;
  return `${ACCOUNT}_CloudTrail_eu-west-3_${stamp}_${String(index).padStart(6, '0')}.json.gz`;
}

function generate(dir: string, total: number): { rawBytes: number; gzipBytes: number } {
  const random = seededRandom(42);
  let rawBytes = 0;
  let gzipBytes = 0;
  for (let f = 0; f < total / PER_FILE; f++) {
    const records = new Array<string>(PER_FILE);
    let last = 0;
    for (let i = 0; i < PER_FILE; i++) {
      last = START.getTime() + Math.floor(((f * PER_FILE + i) / total) * 86_400_000);
      records[i] = recordJson(random, Math.floor(random() * PRINCIPALS), last);
    }
    const text = `{"Records":[${records.join(',')}]}`;
    const gz = gzipSync(text, { level: 6 });
    rawBytes += text.length;
    gzipBytes += gz.length;
    writeFileSync(join(dir, fileName(f, last)), gz);
  }
  return { rawBytes, gzipBytes };
}

function child(args: string[]): unknown {
  const script = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, ['--import', 'tsx', script, ...args], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`measuring child failed (${r.status}): ${r.stderr}`);
  const line = r.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line);
}

async function parent(): Promise<void> {
  const total = Number(process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : 1_000_000);
  const pool = Number(flag('--workers') ?? availableParallelism());
  const keep = process.argv.includes('--keep') || flag('--dir') !== undefined;
  const [l1, l5, l15] = loadavg().map((x) => x.toFixed(2));
  console.log(`load average ${l1} ${l5} ${l15} on ${cpus().length} cores (availableParallelism ${availableParallelism()}) — a shared machine: elapsed times include waiting for a core`);

  const dir = flag('--dir') ?? mkdtempSync(join(tmpdir(), 'art32-bench-activity-'));
  const marker = join(dir, `.generated-${total}`);
  if (!existsSync(marker)) {
    mkdirSync(dir, { recursive: true });
    const g0 = process.hrtime.bigint();
    const { rawBytes, gzipBytes } = generate(dir, total);
    writeFileSync(marker, '');
    console.log(`generated:   ${total.toLocaleString('en-US')} events in ${total / PER_FILE} files, ${(rawBytes / 1e6).toFixed(0)} MB JSON → ${(gzipBytes / 1e6).toFixed(0)} MB gzip, in ${(Number(process.hrtime.bigint() - g0) / 1e9).toFixed(1)} s (not timed)`);
  } else console.log(`reusing:     ${dir}`);

  try {
    const s = child(['--stages', dir, '200']) as Stages;
    const us = (x: number): string => `${((x / s.events) * 1e6).toFixed(2)} µs`;
    const ceiling = (...parts: number[]): string => Math.round(s.events / parts.reduce((a, b) => a + b, 0)).toLocaleString('en-US');
    console.log(`per event, one core (${s.events.toLocaleString('en-US')} events):`);
    console.log(`  read path:   gunzip ${us(s.gunzipCpuS)}, WebAssembly scan ${us(s.scanCpuS)}, digest + aggregation ${us(s.digestCpuS)} → ceiling ${ceiling(s.gunzipCpuS, s.scanCpuS, s.digestCpuS)} events per CPU-second`);
    console.log(`  exact path:  gunzip ${us(s.gunzipCpuS)}, UTF-8 + JSON.parse ${us(s.exactParseCpuS)}, aggregation ${us(s.exactAggregateCpuS)} → ceiling ${ceiling(s.gunzipCpuS, s.exactParseCpuS, s.exactAggregateCpuS)} (what a file takes when the scanner declines it)`);

    const verdict = (ok: boolean): string => (ok ? 'PASS' : 'OVER');
    let ok = true;
    const runs = pool > 1 ? [1, pool] : [1];
    for (const workers of runs) {
      const m = child(['--measure', dir, String(workers)]) as Measurement;
      const wallRate = m.events / m.wallS;
      const cpuRate = m.events / m.cpuS;
      const label = workers === 1 ? 'in-process (workers 1)' : `worker pool (workers ${workers})`;
      console.log(`\n${label}: ${m.events.toLocaleString('en-US')} events, ${m.files} files, ${m.principals} principals, ${m.fileErrors} file errors`);
      console.log(`  wall clock:  ${m.wallS.toFixed(2)} s → ${Math.round(wallRate).toLocaleString('en-US')} events/s        budget > ${BUDGET_EVENTS_PER_S.toLocaleString('en-US')}  ratio ${(wallRate / BUDGET_EVENTS_PER_S).toFixed(2)}  ${verdict(wallRate > BUDGET_EVENTS_PER_S)}`);
      console.log(`  CPU time:    ${m.cpuS.toFixed(2)} s → ${Math.round(cpuRate).toLocaleString('en-US')} events per CPU-second (all threads; the budget is judged on the wall clock)`);
      console.log(`  peak RSS:    ${m.maxRssMb.toFixed(0)} MB (process at start ${m.startRssMb.toFixed(0)} MB)  budget < ${BUDGET_RSS_MB} MB  ratio ${(m.maxRssMb / BUDGET_RSS_MB).toFixed(2)}  ${verdict(m.maxRssMb < BUDGET_RSS_MB)}`);
      if (m.events !== total || m.fileErrors > 0) {
        console.log(`  ERROR: expected ${total} events and no file error`);
        ok = false;
      }
      // The default configuration (the pool) is what the budget judges.
      if (workers === runs[runs.length - 1]) ok = ok && wallRate > BUDGET_EVENTS_PER_S && m.maxRssMb < BUDGET_RSS_MB;
    }
    console.log(`\nload average at the end ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
    if (!ok) process.exitCode = 1;
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
    else console.log(`files kept in ${dir}`);
  }
}

if (flag('--measure')) {
  console.log(JSON.stringify(await measure(flag('--measure') as string, Number(process.argv[process.argv.indexOf('--measure') + 2]))));
} else if (flag('--stages')) {
  console.log(JSON.stringify(await stages(flag('--stages') as string, Number(process.argv[process.argv.indexOf('--stages') + 2]))));
} else {
  await parent();
}
