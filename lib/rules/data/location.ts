/**
 * data.location — personal-data stores in AWS Regions outside the EU/EEA are named (WARN): a transfer
 * to a third country needs a basis under GDPR Chapter V, and the CNIL security guide recommends knowing
 * where cloud data is located (fiche 22). The Region is a fact AWS gives; the legal basis is not visible
 * in the account, so this rule warns and never fails.
 */
import { z } from 'zod';
import { requireSection } from '../../snapshot';
import { defineRule } from '../types';
import { REF } from '../support/references';
import { classificationCounts, conclude, dataClassificationShape, describeUnread, judgedSentence, storeLabel, storesOf } from '../support/data-stores';

/**
 * AWS commercial Regions located in EU/EEA member states (AWS "Regions and Availability Zones"):
 * Frankfurt, Stockholm, Milan, Spain, Ireland, Paris. London (eu-west-2) and Zurich (eu-central-2)
 * are outside the EU/EEA (both countries have adequacy decisions: add them once that basis is documented).
 */
export const EU_EEA_REGIONS = ['eu-central-1', 'eu-north-1', 'eu-south-1', 'eu-south-2', 'eu-west-1', 'eu-west-3'] as const;

export const LocationParameters = z
  .object({
    ...dataClassificationShape,
    /** Regions where personal data may be stored without a Chapter V transfer. */
    allowedRegions: z.array(z.string().min(1)).min(1).default([...EU_EEA_REGIONS]),
  })
  .strict();

export default defineRule({
  id: 'data.location',
  title: 'Personal-data stores are located in EU/EEA Regions (others are named)',
  area: 'data',
  severity: 'medium',
  rationale:
    'Storing personal data in a Region outside the EU/EEA is a transfer to a third country: GDPR Chapter V (Art. 44–50) requires a basis for it ' +
    '(an adequacy decision, appropriate safeguards such as standard contractual clauses, or a derogation). The CNIL security guide recommends knowing ' +
    'where data hosted in the cloud is located (fiche 22). The Region of each store is a fact AWS gives; whether a transfer basis exists is not visible ' +
    'in the account, so stores outside the allowed Regions are named as a warning to check, not a failure.',
  remediation: {
    console:
      'Move the store to an EU/EEA Region (S3 replication or copy, DynamoDB export/import, RDS snapshot copy), or document the Chapter V basis of the transfer ' +
      '(record of processing, transfer impact assessment) and add the Region to allowedRegions.',
    cli: 'aws s3api get-bucket-location --bucket <b>; aws rds copy-db-snapshot --source-region <r> --region eu-west-3 …; art32 scan --param data.location.allowedRegions=…',
  },
  references: [REF.gdprChapterV, REF.cnilGuide22],
  sections: ['dataStores'],
  parameters: LocationParameters,
  evaluate(snapshot, params) {
    const section = requireSection(snapshot, 'dataStores');
    const stores = storesOf(section, params).filter((s) => !s.clusterMember);
    const counts = classificationCounts(stores);
    const allowed = new Set(params.allowedRegions);
    const threshold = { tagKey: params.tagKey, tagValues: params.tagValues, allowedRegions: params.allowedRegions };
    const unverified = describeUnread(section.unread, ['regions', 'buckets', 'tables', 'databases']);
    if (stores.length === 0 && unverified.length === 0) {
      return { status: 'NOT_APPLICABLE', message: `No S3 bucket, DynamoDB table or RDS database found in the ${section.regions.length} region(s) read.`, observed: { regions: section.regions, stores: 0 }, threshold, resources: [] };
    }
    const warn: string[] = [];
    const resources: string[] = [];
    const outside: Record<string, string> = {};
    for (const s of stores) {
      if (s.classification === 'not-personal') continue;
      if (s.region === undefined) {
        if (s.classification === 'personal') unverified.push(`the Region of ${storeLabel(s)}`);
        continue;
      }
      if (allowed.has(s.region)) continue;
      outside[storeLabel(s)] = s.classification;
      warn.push(s.classification === 'personal' ? `${storeLabel(s)} holds personal data outside the allowed Regions` : `${storeLabel(s)} is outside the allowed Regions (${s.classification === 'unknown' ? 'tags not read' : `no ${params.tagKey} tag`}: may hold personal data)`);
      resources.push(s.arn);
    }
    const judged =
      `${judgedSentence(counts, params, true)}; allowed Regions: ${params.allowedRegions.join(', ')}` +
      (warn.length ? '; check the GDPR Chapter V basis of each (adequacy decision or appropriate safeguards) — the CNIL recommends knowing where cloud data is located (guide fiche 22)' : '');
    const { status, message } = conclude({ fail: [], unverified, warn, judged });
    return {
      status,
      message,
      observed: { regions: section.regions, classification: counts, outsideAllowedRegions: outside, notVerified: unverified },
      threshold,
      resources: [...new Set(resources)].sort(),
    };
  },
});
