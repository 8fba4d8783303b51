/**
 * Security Hub import with the SDK mocked (aws-sdk-client-mock), response shapes from the
 * Security Hub API Reference (BatchImportFindings: SuccessCount, FailedCount, FailedFindings;
 * BatchUpdateFindings: ProcessedFindings, UnprocessedFindings).
 */
import { BatchImportFindingsCommand, BatchUpdateFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { asffResourceType, importToSecurityHub, toAsffFinding } from '../../../lib/integrations';
import type { OcsfFindingInput } from '../../../lib/ocsf';
import { loadScenario } from '../../../lib/scenarios';
import { scanSnapshot } from '../../../lib/scan';

const hub = mockClient(SecurityHubClient);
afterEach(() => hub.reset());
const target = { accountId: '999988887777', region: 'eu-west-3' };

function inputs(scenario: string): OcsfFindingInput[] {
  const scan = scanSnapshot(loadScenario(scenario).snapshot);
  return scan.findings.map((f) => ({ ...f, accountId: scan.account.id, accountAlias: scan.account.alias, collectedAt: scan.collectedAt }));
}

describe('Security Hub (ASFF) import', () => {
  it('a finding is in the caller account, about the audited account, with a stable id and the verdict in Compliance', () => {
    const mfa = inputs('france-travail').find((f) => f.ruleId === 'auth.root-mfa') as OcsfFindingInput;
    const asff = toAsffFinding(mfa, target);
    expect(asff.Id).toBe('art32/111122223333/auth.root-mfa');
    expect(asff.AwsAccountId).toBe('999988887777');
    expect(asff.ProductArn).toBe('arn:aws:securityhub:eu-west-3:999988887777:product/999988887777/default');
    expect(asff.Compliance?.Status).toBe('FAILED');
    expect(asff.Severity?.Label).toBe('CRITICAL');
    expect(asff.Resources?.[0]).toMatchObject({ Type: 'AwsAccount', Id: 'AWS::::Account:111122223333' });
    expect((asff.Title ?? '').length).toBeLessThanOrEqual(256);
    expect((asff.Description ?? '').length).toBeLessThanOrEqual(1024);
    expect(asffResourceType('arn:aws:iam::111122223333:user/adviser.martin')).toBe('AwsIamUser');
    expect(asffResourceType('arn:aws:s3:::bucket')).toBe('AwsS3Bucket');
    expect(asffResourceType('arn:aws:s3:::bucket/key')).toBe('Other');
  });

  it('NOT VERIFIED is NOT_AVAILABLE with a reason, never PASSED', () => {
    const f = toAsffFinding({ ...(inputs('fresh-account')[0] as OcsfFindingInput), status: 'ERROR' }, target);
    expect(f.Compliance?.Status).toBe('NOT_AVAILABLE');
    expect(f.Compliance?.StatusReasons?.[0]?.ReasonCode).toBe('NOT_VERIFIED');
  });

  it('imports 100 a call, then marks passing findings RESOLVED; per-finding failures are reported, not thrown', async () => {
    const many: OcsfFindingInput[] = [];
    for (let i = 0; i < 12; i++) for (const f of inputs('compliant')) many.push({ ...f, accountId: String(100000000000 + i) });
    hub.on(BatchImportFindingsCommand).callsFake((input: { Findings: { Id: string }[] }) => {
      const failed = input.Findings.filter((f) => f.Id.startsWith('art32/100000000003/'));
      return { SuccessCount: input.Findings.length - failed.length, FailedCount: failed.length, FailedFindings: failed.map((f) => ({ Id: f.Id, ErrorCode: 'InvalidInput', ErrorMessage: 'Finding does not adhere to ASFF' })) };
    });
    hub.on(BatchUpdateFindingsCommand).callsFake((input: { FindingIdentifiers: { Id: string; ProductArn: string }[] }) => ({ ProcessedFindings: input.FindingIdentifiers, UnprocessedFindings: [] }));
    const result = await importToSecurityHub(new SecurityHubClient({ region: 'eu-west-3' }), many, target);
    const imports = hub.commandCalls(BatchImportFindingsCommand);
    expect(imports.length).toBe(Math.ceil(many.length / 100));
    for (const c of imports) expect(c.args[0].input.Findings?.length).toBeLessThanOrEqual(100);
    const perAccount = many.length / 12;
    expect(result.failed).toHaveLength(perAccount);
    expect(result.imported).toBe(many.length - perAccount);
    const passing = many.filter((f) => f.status === 'PASS' && !f.accountId.endsWith('3'));
    expect(result.resolved).toBe(passing.length);
    for (const c of hub.commandCalls(BatchUpdateFindingsCommand)) expect(c.args[0].input.Workflow?.Status).toBe('RESOLVED');
  });

  it('a call refused as a whole (after the SDK retries) throws for the caller to record', async () => {
    hub.on(BatchImportFindingsCommand).rejects(Object.assign(new Error('Account 999988887777 is not subscribed to AWS Security Hub'), { name: 'InvalidAccessException' }));
    await expect(importToSecurityHub(new SecurityHubClient({ region: 'eu-west-3' }), inputs('compliant'), target)).rejects.toThrow(/not subscribed/);
  });
});
