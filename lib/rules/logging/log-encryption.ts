/**
 * logging.log-encryption — trail logs are encrypted with a customer-managed KMS key (SSE-KMS),
 * so reading them needs a key permission that can be restricted and audited.
 *
 * Without `KmsKeyId` the logs are NOT unencrypted: CloudTrail log files are encrypted at rest
 * with Amazon S3 managed keys (SSE-S3), and S3 encrypts every new object with SSE-S3 by default
 * since 5 January 2023. What is missing is a key whose policy limits who can read the logs.
 */
import { z } from 'zod';
import { requireSection } from '../../snapshot';
import { defineRule } from '../types';
import { REF } from '../support/references';
import { judgeTrailProtection } from '../support/protected-trails';

export default defineRule({
  id: 'logging.log-encryption',
  title: 'Trail logs are encrypted with a customer-managed KMS key',
  area: 'logging',
  severity: 'medium',
  rationale:
    'Logs name people and what they accessed: they are personal data themselves. Trail logs are always encrypted at rest — by ' +
    'default with S3-managed keys (SSE-S3) — but anyone allowed to read the bucket can read them. With a customer-managed KMS ' +
    'key (SSE-KMS), reading also requires kms:Decrypt on a key whose policy limits and logs who can read them. GDPR Art. ' +
    '32(1)(a) names encryption as a measure; the CNIL security guide (fiche 22) recommends encryption at rest in the cloud and ' +
    'délibération n° 2021-122 recommends protecting logs against access by those whose activity they record.',
  remediation: {
    console: 'CloudTrail console → Trails → <trail> → General details → Edit → Log file SSE-KMS encryption: Enabled, choose a customer-managed key.',
    cli: 'aws cloudtrail update-trail --name <trail> --kms-key-id arn:aws:kms:<region>:<account>:key/<key id>',
  },
  references: [REF.gdpr32_1_a, REF.gdpr5_1_f, REF.cnilGuide22, REF.cnil2021_122, REF.awsS3DefaultEncryption],
  sections: ['trails'],
  parameters: z.object({}),
  evaluate(snapshot) {
    return judgeTrailProtection(
      requireSection(snapshot, 'trails'),
      'KmsKeyId',
      (t) => Boolean(t.KmsKeyId),
      (t) => t.KmsKeyId ?? 'none: SSE-S3 (S3-managed keys, the default)',
      (unprotected, qualifying) =>
        `${unprotected.length} of ${qualifying.length} multi-region logging trail(s) are encrypted with the default S3-managed keys (SSE-S3), not a customer-managed KMS key: ${unprotected.map((t) => t.Name).join(', ')}.`,
    );
  },
});
