/** `history --format ocsf` over a real embedded store: records read back validate as OCSF, one finding uid per account + rule. */
import { readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../unit/cli/capture';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'art32-ocsf-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('art32 history --format ocsf', () => {
  it('two recorded days → a Create then an Update of the same finding, both valid OCSF with the record hash kept', async () => {
    const data = ['--data-dir', join(dir, 'data')];
    for (const [day, runId] of [['2026-01-20', 'day-1'], ['2026-01-21', 'day-2']] as const) {
      const c = await run('collect', '--scenario', 'france-travail', '--collected-at', `${day}T06:00:00.000Z`, '--run-id', runId, ...data);
      expect(c.code).toBe(0);
    }
    const r = await run('history', '--account', '111122223333', '--rule', 'auth.root-mfa', '--format', 'ocsf', ...data);
    expect(r.code).toBe(0);
    const findings = JSON.parse(r.stdout) as { activity_id: number; finding_info: { uid: string }; unmapped: { art32: { recordHash: string; runId: string } } }[];
    expect(findings.map((f) => f.activity_id)).toEqual([1, 2]);
    expect(new Set(findings.map((f) => f.finding_info.uid)).size).toBe(1);
    expect(findings.map((f) => f.unmapped.art32.runId)).toEqual(['day-1', 'day-2']);
    for (const f of findings) expect(f.unmapped.art32.recordHash).toMatch(/^[0-9a-f]{64}$/);
    const schema = JSON.parse(readFileSync(join(__dirname, '../../../lib/ocsf/compliance-finding.schema.json'), 'utf8')) as Record<string, unknown>;
    const validate = new Ajv2020({ strict: false }).compile(schema);
    for (const f of findings) expect(validate(f), JSON.stringify(validate.errors)).toBe(true);
  });
});

describe('art32 history exit codes', () => {
  it('a misspelt rule id is exit 2 with a suggestion; a known rule with nothing in range is an empty answer (exit 0)', async () => {
    const data = ['--data-dir', join(dir, 'data')];
    const typo = await run('history', '--account', '111122223333', '--rule', 'auth.root-mfaa', ...data);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('did you mean auth.root-mfa');
    const empty = await run('history', '--account', '111122223333', '--rule', 'auth.root-mfa', '--from', '2030-01-01', ...data);
    expect(empty.code).toBe(0);
    expect(empty.stderr).toContain('no records of rule auth.root-mfa');
  });
});

describe('art32 collect --format', () => {
  it('ocsf: every recorded finding as valid OCSF with the run\'s manifest hash as chain head; json: the recorded run', async () => {
    const data = ['--data-dir', join(dir, 'data-collect')];
    const r = await run('collect', '--scenario', 'compliant', '--collected-at', '2026-01-20T06:00:00.000Z', '--run-id', 'c-1', '--format', 'ocsf', ...data);
    expect(r.code).toBe(0);
    const findings = JSON.parse(r.stdout) as { unmapped: { art32: { chainHead: string; runId: string } } }[];
    const schema = JSON.parse(readFileSync(join(__dirname, '../../../lib/ocsf/compliance-finding.schema.json'), 'utf8')) as Record<string, unknown>;
    const validate = new Ajv2020({ strict: false }).compile(schema);
    for (const f of findings) expect(validate(f), JSON.stringify(validate.errors)).toBe(true);
    expect(new Set(findings.map((f) => f.unmapped.art32.chainHead)).size).toBe(1);
    const j = await run('collect', '--scenario', 'compliant', '--collected-at', '2026-01-21T06:00:00.000Z', '--run-id', 'c-2', '--format', 'json', ...data);
    const body = JSON.parse(j.stdout) as { runId: string; runs: { manifest: { previous: { hash: string } }; records: unknown[] }[] };
    expect(body.runId).toBe('c-2');
    expect(body.runs[0]?.manifest.previous.hash).toBe(findings[0]?.unmapped.art32.chainHead);
    expect(body.runs[0]?.records.length).toBe(findings.length);
  });
});

describe('art32 export', () => {
  it('the audit pack carries the records as OCSF findings too (findings.ocsf.json), valid, one per record', async () => {
    const data = ['--data-dir', join(dir, 'data')];
    const out = join(dir, 'pack');
    const r = await run('export', '--account', '111122223333', '--from', '2026-01-01', '--to', '2026-12-31', '--out', out, ...data);
    expect(r.code).toBe(0);
    const findings = JSON.parse(readFileSync(join(out, 'findings.ocsf.json'), 'utf8')) as { unmapped: { art32: { chainHead?: string } } }[];
    const records = readFileSync(join(out, 'records.jsonl'), 'utf8').trim().split('\n');
    expect(findings).toHaveLength(records.length);
    const schema = JSON.parse(readFileSync(join(__dirname, '../../../lib/ocsf/compliance-finding.schema.json'), 'utf8')) as Record<string, unknown>;
    const validate = new Ajv2020({ strict: false }).compile(schema);
    for (const f of findings) {
      expect(validate(f), JSON.stringify(validate.errors)).toBe(true);
      expect(f.unmapped.art32.chainHead).toMatch(/^[0-9a-f]{64}$/);
    }
  });
});

describe('art32 export --format ocsf', () => {
  it('prints exactly the pack\'s findings.ocsf.json; --out writes it as a private file; a record rewritten by the writer is left out (exit 3)', async () => {
    const data = ['--data-dir', join(dir, 'data')];
    const range = ['--account', '111122223333', '--from', '2026-01-01', '--to', '2026-12-31'];
    const out = join(dir, 'pack-for-ocsf');
    expect((await run('export', ...range, '--out', out, ...data)).code).toBe(0);
    const printed = await run('export', ...range, '--format', 'ocsf', ...data);
    expect(printed.code, printed.stderr).toBe(0);
    expect(JSON.parse(printed.stdout)).toEqual(JSON.parse(readFileSync(join(out, 'findings.ocsf.json'), 'utf8')));
    expect(printed.stderr).toMatch(/^\d+ OCSF finding\(s\); evidence verified \(signatures checked\)\n$/);
    const file = join(dir, 'findings.ocsf.json');
    expect((await run('export', ...range, '--format', 'ocsf', '--out', file, ...data)).code).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toBe(printed.stdout);
    expect((await run('export', '--account', '111122223333', '--format', 'ocsf', ...data)).stderr).toContain('export needs --from, --to');

    // The writer role rewrites one FAIL to PASS and recomputes its hash: the finding is not exported as genuine.
    const { openEmbeddedStore, hashRecord, recordItem } = await import('../../../lib/evidence');
    const { DynamoDBDocumentClient, PutCommand } = await import('@aws-sdk/lib-dynamodb');
    const open = await openEmbeddedStore(join(dir, 'data'));
    try {
      const [victim] = (await open.store.history({ accountId: '111122223333', ruleId: 'auth.root-mfa' })).filter((r) => r.status === 'FAIL');
      if (!victim) throw new Error('no FAIL to forge');
      const { hash: _old, ...body } = victim;
      const forged = { ...body, status: 'PASS' as const };
      await DynamoDBDocumentClient.from(open.client).send(new PutCommand({ TableName: open.store.tableName, Item: recordItem({ ...forged, hash: hashRecord(forged) }) }));
    } finally {
      await open.close();
    }
    const tampered = await run('export', ...range, '--format', 'ocsf', ...data);
    expect(tampered.code).toBe(3);
    const left = JSON.parse(tampered.stdout) as unknown[];
    expect(left).toHaveLength((JSON.parse(printed.stdout) as unknown[]).length - 1);
    expect(tampered.stderr).toContain('NOT VERIFIED');
    expect(tampered.stderr).toContain('1 record(s) not intact left out');
  });
});

describe('art32 collect --security-hub', () => {
  it('imports the recorded findings into the caller account\'s Security Hub, with the audited account as resource', async () => {
    const { mockClient } = await import('aws-sdk-client-mock');
    const { SecurityHubClient, BatchImportFindingsCommand, BatchUpdateFindingsCommand } = await import('@aws-sdk/client-securityhub');
    const { STSClient, GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
    const hub = mockClient(SecurityHubClient);
    const sts = mockClient(STSClient);
    try {
      sts.on(GetCallerIdentityCommand).resolves({ Account: '999988887777', Arn: 'arn:aws:iam::999988887777:user/ci', UserId: 'AIDAEXAMPLE' });
      hub.on(BatchImportFindingsCommand).callsFake((input: { Findings: unknown[] }) => ({ SuccessCount: input.Findings.length, FailedCount: 0, FailedFindings: [] }));
      hub.on(BatchUpdateFindingsCommand).callsFake((input: { FindingIdentifiers: unknown[] }) => ({ ProcessedFindings: input.FindingIdentifiers, UnprocessedFindings: [] }));
      const data = ['--data-dir', join(dir, 'data-hub')];
      const r = await run('collect', '--scenario', 'france-travail', '--collected-at', '2026-01-20T06:00:00.000Z', '--run-id', 'h-1', '--security-hub', '--region', 'eu-west-3', ...data);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/security hub 999988887777\/eu-west-3: \d+ finding\(s\) imported, \d+ marked RESOLVED/);
      const sent = hub.commandCalls(BatchImportFindingsCommand).flatMap((c) => c.args[0].input.Findings ?? []);
      expect(sent.length).toBeGreaterThan(0);
      for (const f of sent) {
        expect(f.AwsAccountId).toBe('999988887777');
        expect(f.Resources?.[0]?.Id).toBe('AWS::::Account:111122223333');
      }
      hub.on(BatchImportFindingsCommand).rejects(Object.assign(new Error('Account 999988887777 is not subscribed to AWS Security Hub'), { name: 'InvalidAccessException' }));
      const refused = await run('collect', '--scenario', 'france-travail', '--collected-at', '2026-01-21T06:00:00.000Z', '--run-id', 'h-2', '--security-hub', '--region', 'eu-west-3', ...data);
      expect(refused.code).toBe(5);
      expect(refused.stderr).toContain('the evidence is recorded, but the Security Hub import failed');
    } finally {
      hub.restore();
      sts.restore();
    }
  });
});
