/**
 * logging.log-encryption — trail logs are encrypted with a customer-managed KMS key (SSE-KMS),
 * so reading them needs a key permission that can be restricted and audited.
 */
import { z } from 'zod';
import { requireSection } from '../../snapshot';
import { defineRule } from '../types';
import { REF } from '../support/references';
import { judgeTrailProtection } from '../support/protected-trails';

export default defineRule({
  id: 'logging.log-encryption',
  title: 'Trail logs are KMS-encrypted',
  area: 'logging',
  severity: 'medium',
  rationale:
    'Logs name people and what they accessed: they are personal data themselves. GDPR Art. 32(1)(a) names encryption as a ' +
    'measure; with SSE-KMS, reading the logs requires kms:Decrypt on a key whose policy limits who can read them.',
  remediation: {
    console: 'CloudTrail console → Trails → <trail> → General details → Edit → Log file SSE-KMS encryption: Enabled, choose a customer-managed key.',
    cli: 'aws cloudtrail update-trail --name <trail> --kms-key-id arn:aws:kms:<region>:<account>:key/<key id>',
  },
  references: [REF.gdpr32_1_a, REF.gdpr5_1_f, REF.cnil2021_122],
  sections: ['trails'],
  parameters: z.object({}),
  evaluate(snapshot) {
    return judgeTrailProtection(requireSection(snapshot, 'trails'), 'KmsKeyId', (t) => Boolean(t.KmsKeyId), (t) => t.KmsKeyId ?? null);
  },
});
