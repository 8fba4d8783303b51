/**
 * logging.log-integrity — CloudTrail log file validation (signed digest files) is on for the
 * trails that record the account's activity, so any alteration or deletion is detectable.
 */
import { z } from 'zod';
import { requireSection } from '../../snapshot';
import { defineRule } from '../types';
import { REF } from '../support/references';
import { judgeTrailProtection } from '../support/protected-trails';

export default defineRule({
  id: 'logging.log-integrity',
  title: 'Trail log file validation is enabled',
  area: 'logging',
  severity: 'medium',
  rationale:
    'The CNIL logging recommendation (délibération n° 2021-122) recommends protecting logs from alteration; an intruder\'s first ' +
    'move is to erase traces. ' +
    'With log file validation, CloudTrail writes hourly signed digest files that let anyone prove a log file was not modified or deleted.',
  remediation: {
    console: 'CloudTrail console → Trails → <trail> → General details → Edit → Log file validation: Enabled.',
    cli: 'aws cloudtrail update-trail --name <trail> --enable-log-file-validation; verify with aws cloudtrail validate-logs --trail-arn <arn> --start-time <date>',
  },
  references: [REF.cnil2021_122, REF.gdpr32_1_b, REF.gdpr5_1_f, REF.cnilGuide16],
  sections: ['trails'],
  parameters: z.object({}),
  evaluate(snapshot) {
    return judgeTrailProtection(requireSection(snapshot, 'trails'), 'LogFileValidationEnabled', (t) => t.LogFileValidationEnabled, (t) => t.LogFileValidationEnabled);
  },
});
