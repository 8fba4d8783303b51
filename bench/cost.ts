/**
 * What art32 costs to run, per account-month, at 10 / 100 / 1,000 / 10,000 accounts, from
 * quantities measured here and a dated price table (bench/data/prices.json):
 *
 * - AWS API calls of one live collection (1,000-user account, every API mocked at AWS's page
 *   sizes) and the in-process time of collect → evaluate → write evidence (dynalite);
 * - DynamoDB write request units and stored bytes of one account-run, from the items the store
 *   actually wrote (DynamoDB's item-size rule: attribute names + values; 1 WRU per KB), the
 *   table's GSIs projecting ALL (so each item is stored once per index too);
 * - Step Functions state transitions, counted on the synthesized state machine definition
 *   (the states every execution passes + the states each account passes);
 * - one KMS Sign and one S3 anchor PUT per sealed account-run (the sealing step);
 * - fixed monthly items (KMS keys, alarms) shared by all accounts.
 *
 * What cannot be measured on this machine is said and parameterised: the latency of a real AWS
 * API call (default 60 ms, calls mostly sequential per section) and the credential report's
 * generation time (default 5 s), which dominate Lambda duration.
 *
 * The anchor price: Security Hub CSPM ≈ $0.001 per check per account-region-month; art32's
 * equivalent is one check per rule per daily run. Budget: art32 ≤ 1/10 of it per account-month
 * at 1,000 accounts, log reading excluded (reported per GB apart).
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { collectAccount } from '../lib/collectors';
import { EvidenceStore, Sealer, ensureTable, ephemeralKeyPair, localClient, recordRun, startDynalite, EVIDENCE_TABLE } from '../lib/evidence';
import { RULES, evaluateRules } from '../lib/rules';
import { synthApp, cleanup } from '../test/infra/app';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { readLogBatch } from '../lib/activity/scheduled/read-batch';
import { LOG_BATCH_MAX_ITEMS } from '../infra/constructs/orchestration';
import { iamUserRecord } from '../test/unit/activity/helpers';
import { HOME, NOW, mockHealthyAccount, mockedAccount, sentOperations } from '../test/unit/collectors/aws-fixtures';

interface Price {
  usd: number;
  region: string;
  source: string;
}
const table = JSON.parse(readFileSync(join(import.meta.dirname, 'data/prices.json'), 'utf8')) as { retrieved: string; prices: Record<string, Price> };
const P = (name: string): number => {
  const p = table.prices[name];
  if (!p) throw new Error(`bench/data/prices.json has no "${name}"`);
  return p.usd;
};

const API_LATENCY_MS = Number(process.env.ART32_BENCH_API_LATENCY_MS ?? 60);
const CREDENTIAL_REPORT_MS = Number(process.env.ART32_BENCH_CREDENTIAL_REPORT_MS ?? 5_000);
const COLLECT_MEMORY_GB = 1; // collect-account function: 1,024 MB (infra/stacks/collector-stack.ts)
const RUNS_PER_MONTH = 30; // daily schedule
const READER_MEMORY_MB = 1024; // read-activity-logs function (infra/constructs/activity-logs.ts)
const USERS = 1_000;

/** DynamoDB item size: UTF-8 bytes of names and values (numbers ≈ 1 byte per 2 digits + 1), maps/lists + 3. */
function attributeSize(value: AttributeValue): number {
  if (value.S !== undefined) return Buffer.byteLength(value.S);
  if (value.N !== undefined) return Math.ceil(value.N.replace(/^-|\./g, '').length / 2) + 1;
  if (value.B !== undefined) return value.B.length;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.M !== undefined) return 3 + Object.entries(value.M).reduce((n, [k, v]) => n + Buffer.byteLength(k) + attributeSize(v), 0);
  if (value.L !== undefined) return 3 + value.L.reduce((n, v) => n + 1 + attributeSize(v), 0);
  if (value.SS !== undefined) return value.SS.reduce((n, s) => n + Buffer.byteLength(s), 0);
  return 0;
}
const itemSize = (item: Record<string, AttributeValue>): number => Object.entries(item).reduce((n, [k, v]) => n + Buffer.byteLength(k) + attributeSize(v), 0);

// 1. One live collection of a 1,000-user account: calls and in-process time.
const started = performance.now();
const cpuStart = process.cpuUsage();
const m = mockedAccount();
mockHealthyAccount(m, USERS);
const snapshot = await collectAccount({ clients: m.clients, region: HOME, now: NOW, clock: () => NOW, sleep: async () => {} });
const calls = Object.values(sentOperations(m.all())).reduce((a, b) => a + b, 0);
const findings = evaluateRules(RULES, snapshot);

// 2. Write its evidence to dynalite, measuring every PutItem the store sends.
const dir = await mkdtemp(join(tmpdir(), 'art32-cost-'));
const server = await startDynalite(join(dir, 'db'));
const client = localClient(server.endpoint);
const puts: number[] = [];
client.middlewareStack.add(
  (next) => async (args) => {
    // The store sends through the document client: marshal its item the way DynamoDB will size it.
    const input = args.input as { Item?: Record<string, unknown> };
    if (input.Item && typeof input.Item.pk === 'string') puts.push(itemSize(marshall(input.Item, { removeUndefinedValues: true })));
    return next(args);
  },
  { step: 'initialize', name: 'art32CostMeter' },
);
await ensureTable(client, 'art32-cost');
const store = new EvidenceStore({ client, tableName: 'art32-cost', sleep: async () => {} });
puts.length = 0;
// The seal (read back, sign, manifest) is part of every run's cost; an in-memory key stands in for KMS here.
await recordRun({ store, sealer: new Sealer({ store, signer: ephemeralKeyPair().signer }), snapshot, findings, runId: 'run-cost' });
const inProcessMs = performance.now() - started;
const cpu = process.cpuUsage(cpuStart);
client.destroy();
await server.close();
await rm(dir, { recursive: true, force: true });

const wruPerRun = puts.reduce((n, size) => n + Math.max(1, Math.ceil(size / 1024)), 0);
const bytesPerRun = puts.reduce((n, size) => n + size, 0);
const storedCopies = 1 + EVIDENCE_TABLE.globalSecondaryIndexes.length; // GSIs project ALL

// 3. State transitions, counted on the synthesized definition.
function definitionOf(resource: { Properties: { DefinitionString: unknown } }): Record<string, unknown> {
  const d = resource.Properties.DefinitionString;
  const text = typeof d === 'string' ? d : ((d as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1].map((p) => (typeof p === 'string' ? p : 'TOKEN')).join(''));
  return JSON.parse(text) as Record<string, unknown>;
}
type States = Record<string, { Type: string; Next?: string; End?: boolean; Iterator?: { StartAt: string; States: States }; ItemProcessor?: { StartAt: string; States: States }; Default?: string; Choices?: { Next: string }[] }>;
/** States an execution passes on its success path (Choice: its default), and the per-item states of its Map. */
function successPath(startAt: string, states: States): { top: number; perItem: number } {
  let top = 0;
  let perItem = 0;
  let name: string | undefined = startAt;
  const seen = new Set<string>();
  while (name && !seen.has(name)) {
    seen.add(name);
    const s: States[string] | undefined = states[name];
    if (!s) break;
    top++;
    const inner = s.ItemProcessor ?? s.Iterator;
    if (s.Type === 'Map' && inner) perItem += successPath(inner.StartAt, inner.States).top;
    name = s.End ? undefined : (s.Next ?? s.Default ?? s.Choices?.[0]?.Next);
  }
  return { top, perItem };
}
const built = synthApp();
const template = built.app.synth().getStackByName(built.collector.stackName).template as { Resources: Record<string, { Type: string; Properties: { DefinitionString: unknown } }> };
const machines = Object.values(template.Resources).filter((r) => r.Type === 'AWS::StepFunctions::StateMachine');
const definition = definitionOf(machines[0] as { Properties: { DefinitionString: unknown } });
const path = successPath(definition.StartAt as string, definition.States as States);
cleanup(built.app);
// A Map counts one transition per item state plus the Map's own entry and exit; Lambda task retries add more on failures only.
const transitionsPerRun = (accounts: number): number => path.top + accounts * path.perItem;

// 4. Costs.
const lambdaSeconds = inProcessMs / 1000 + (calls * API_LATENCY_MS + CREDENTIAL_REPORT_MS) / 1000;
const perAccountRun = {
  lambda: lambdaSeconds * COLLECT_MEMORY_GB * P('lambdaArmPerGbSecond') + 2 * P('lambdaPerRequest'),
  dynamoWrites: wruPerRun * P('dynamoDbPerWriteRequestUnit'),
  kmsSign: P('kmsAsymmetricPerRequest'),
  anchorPut: P('s3PutPerRequest'),
};
/** Storage after a year of daily runs, averaged over that year (grows linearly), table + GSIs + PITR. */
const storageGbYear = (bytesPerRun * storedCopies * RUNS_PER_MONTH * 12) / 1e9;
const storageMonthAvg = (storageGbYear / 2) * (P('dynamoDbStoragePerGbMonth') + P('dynamoDbPitrPerGbMonth'));
const FIXED_KEYS = 3; // evidence key, signing key, ops key
const FIXED_ALARMS = 6;
const fixedMonth = FIXED_KEYS * P('kmsKeyPerMonth') + FIXED_ALARMS * P('cloudWatchAlarmPerMonth');
const checksPerMonth = RULES.length * RUNS_PER_MONTH;
const securityHubEquivalent = checksPerMonth * P('securityHubPerCheck');

console.log(`art32 cost per account-month — prices ${table.retrieved} (bench/data/prices.json; rows marked us-east-1 where the Paris row was not readable)`);
console.log(`measured: ${calls} API calls per live collection (${USERS} users), in-process collect+evaluate+write ${inProcessMs.toFixed(0)} ms wall / ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms CPU`);
console.log(`measured: ${puts.length} items written per account-run, ${bytesPerRun} bytes, ${wruPerRun} WRU; stored ${storedCopies}x (table + ${storedCopies - 1} GSIs projecting ALL)`);
console.log(`measured: state machine success path ${path.top} states per execution + ${path.perItem} per account`);
console.log(`assumed (not measurable here): ${API_LATENCY_MS} ms per AWS call, ${CREDENTIAL_REPORT_MS} ms credential-report generation → collect Lambda ≈ ${lambdaSeconds.toFixed(1)} s at ${COLLECT_MEMORY_GB * 1024} MB`);
console.log(`Security Hub equivalent: ${RULES.length} checks/day × ${RUNS_PER_MONTH} = ${checksPerMonth} checks × $${P('securityHubPerCheck')} = $${securityHubEquivalent.toFixed(3)} per account-month`);
console.log('');
console.log('accounts | per account-month: lambda    dynamo     sfn        kms+s3     storage(avg y1) fixed/acct | total      | vs SecHub');
let budgetRatio = Infinity;
for (const accounts of [10, 100, 1_000, 10_000]) {
  const sfn = (transitionsPerRun(accounts) * P('stepFunctionsPerTransition') * RUNS_PER_MONTH) / accounts;
  const lambda = perAccountRun.lambda * RUNS_PER_MONTH;
  const dynamo = perAccountRun.dynamoWrites * RUNS_PER_MONTH;
  const kmsS3 = (perAccountRun.kmsSign + perAccountRun.anchorPut) * RUNS_PER_MONTH;
  const fixed = fixedMonth / accounts;
  const total = lambda + dynamo + sfn + kmsS3 + storageMonthAvg + fixed;
  const ratio = securityHubEquivalent / total;
  if (accounts === 1_000) budgetRatio = ratio;
  const $ = (x: number) => `$${x.toFixed(4)}`.padEnd(10);
  console.log(`${String(accounts).padStart(8)} | ${' '.repeat(19)}${$(lambda)} ${$(dynamo)} ${$(sfn)} ${$(kmsS3)} ${$(storageMonthAvg)}      ${$(fixed)} | ${$(total)} | 1/${ratio.toFixed(1)}`);
}
console.log('');
// Log reading (scheduled activity from trail log files), apart, per GB of uncompressed CloudTrail
// JSON: MEASURED by running the deployed worker's code (readLogBatch: GetObject, gunzip, the CLI's
// aggregator, one partial per account) on generated log files served by a mocked S3, in batches
// of the state machine's size. Priced: Lambda GB-s at the worker's memory from the measured time,
// one GET per file, one PUT per partial, one Express child execution per batch (request + its
// duration at 64 MB), one LIST per 1,000 listed files.
const logs = await measureLogReading();
const gbOfJson = logs.jsonBytes / 1e9;
const perGb = {
  lambda: (logs.seconds / gbOfJson) * (READER_MEMORY_MB / 1024) * P('lambdaArmPerGbSecond') + (logs.batches / gbOfJson) * P('lambdaPerRequest'),
  gets: (logs.files / gbOfJson) * P('s3GetPerRequest'),
  puts: (logs.partials / gbOfJson) * P('s3PutPerRequest'),
  lists: (logs.files / 1000 / gbOfJson) * P('s3PutPerRequest'),
  express: (logs.batches / gbOfJson) * (P('stepFunctionsExpressPerRequest') + (logs.seconds / logs.batches) * 0.0625 * P('stepFunctionsExpressPerGbSecond')),
};
const logPerGb = Object.values(perGb).reduce((a, b) => a + b, 0);
console.log(
  `measured log reading: ${logs.files} files (${(logs.jsonBytes / logs.files / 1e6).toFixed(2)} MB JSON, ${(logs.gzBytes / logs.files / 1e3).toFixed(0)} KB gzip each), ${logs.events} events in ${logs.batches} batches of ${LOG_BATCH_MAX_ITEMS}: ${logs.seconds.toFixed(2)} s wall, ${logs.cpuSeconds.toFixed(2)} s CPU → ${(logs.jsonBytes / 1e6 / logs.seconds).toFixed(0)} MB/s of JSON per worker`,
);
console.log(
  `log reading (not in the totals): ≈ $${logPerGb.toFixed(4)} per GB of trail JSON — Lambda $${perGb.lambda.toFixed(4)} (${((logs.seconds / gbOfJson) * (READER_MEMORY_MB / 1024)).toFixed(1)} GB-s at ${READER_MEMORY_MB} MB), GET $${perGb.gets.toFixed(4)} (${(logs.files / gbOfJson).toFixed(0)} files), PUT $${perGb.puts.toFixed(4)}, LIST $${perGb.lists.toFixed(5)}, Express $${perGb.express.toFixed(5)}`,
);
for (const gbPerDay of [1, 10, 100]) {
  console.log(`  reading ${gbPerDay} GB of log JSON a day: ≈ $${(logPerGb * gbPerDay).toFixed(3)} a day, $${(logPerGb * gbPerDay * RUNS_PER_MONTH).toFixed(2)} a month`);
}
const pass = budgetRatio >= 10;
console.log(`budget: art32 ≤ 1/10 of the Security Hub equivalent per account-month at 1,000 accounts: ${pass ? 'PASS' : 'OVER'} (1/${budgetRatio.toFixed(1)}); with every price ×2: 1/${(budgetRatio / 2).toFixed(1)}`);
if (!pass) process.exitCode = 1;


/**
 * The worker's own code over generated CloudTrail files: 3 accounts, 40 principals each, a mix of
 * S3 data reads (bytes out) and management calls, 1,000 records per file
 * (the bench prints their sizes). Bodies come from a mocked S3 (no network time: the GET latency
 * of a real bucket overlaps with decoding, two files at a time).
 */
async function measureLogReading() {
  const FILES = Number(process.env.ART32_BENCH_LOG_FILES ?? 150);
  const accountsOf = ['111122223333', '444455556666', '777788889999'];
  const objects = new Map<string, Buffer>();
  let jsonBytes = 0;
  let gzBytes = 0;
  const items = [];
  for (let f = 0; f < FILES; f++) {
    const account = accountsOf[f % accountsOf.length] as string;
    const records = Array.from({ length: 1000 }, (_, i) =>
      iamUserRecord({
        user: `user-${(f * 7 + i) % 40}`,
        time: new Date(Date.parse('2026-01-21T08:00:00Z') + ((f * 1000 + i) % 36_000) * 1000).toISOString(),
        ...(i % 4 === 0 ? { eventSource: 'iam.amazonaws.com', eventName: 'ListUsers' } : { bytesOut: 10_000 + i }),
        resource: `arn:aws:s3:::data-${account}/objects/${(f * 31 + i) % 5000}`,
        ip: `203.0.113.${i % 50}`,
        ...(i % 50 === 0 ? { errorCode: 'AccessDenied' } : {}),
      }),
    );
    const json = Buffer.from(JSON.stringify({ Records: records }));
    const gz = gzipSync(json);
    jsonBytes += json.length;
    gzBytes += gz.length;
    const key = `AWSLogs/o-abcd123456/${account}/CloudTrail/eu-west-3/2026/01/21/${account}_CloudTrail_eu-west-3_20260121T${String(8 + (f % 10)).padStart(2, '0')}05Z_${f}.json.gz`;
    objects.set(key, gz);
    items.push({ a: account, k: key, s: gz.length });
  }
  const s3 = new S3Client({ region: 'eu-west-3' });
  mockClient(s3).on(GetObjectCommand).callsFake((input: { Key: string }) => ({ Body: Readable.from([objects.get(input.Key) as Buffer]) }));
  let partials = 0;
  let events = 0;
  let batches = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < items.length; i += LOG_BATCH_MAX_ITEMS) {
    const summary = await readLogBatch(
      s3,
      { trail: { bucket: 'org-trail', bucketAccount: '999988887777' }, window: { start: new Date('2026-01-21T06:00:00Z'), end: new Date('2026-01-22T06:00:00Z') }, timeZone: 'Europe/Paris', items: items.slice(i, i + LOG_BATCH_MAX_ITEMS) },
      async (partial) => {
        partials += 1;
        JSON.stringify(partial); // the worker serialises each partial for its PUT
      },
    );
    events += summary.eventsRead;
    batches += 1;
  }
  const seconds = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(cpu0);
  return { files: FILES, jsonBytes, gzBytes, events, batches, partials, seconds, cpuSeconds: (c.user + c.system) / 1e6 };
}
