/**
 * data.backups — every personal-data store can be restored: S3 versioning, DynamoDB point-in-time
 * recovery, RDS automated backups (retention > 0), or a recent AWS Backup recovery point
 * (ListProtectedResources). GDPR Art. 32(1)(c); CNIL guide fiche 17.
 */
import { z } from 'zod';
import { requireSection } from '../../snapshot';
import { defineRule } from '../types';
import { REF } from '../support/references';
import { daysSince } from '../support/time';
import { classificationCounts, conclude, dataClassificationShape, describeUnread, judgedSentence, listLabels, storeLabel, storesOf } from '../support/data-stores';

export const BackupsParameters = z
  .object({
    ...dataClassificationShape,
    /** An AWS Backup recovery point older than this (days before collection) no longer counts as a backup. */
    maxBackupAgeDays: z.number().int().positive().default(7),
    /** Require AWS Backup for every personal-data store (a copy outside the store), not only the store's own versioning / PITR. */
    requireAwsBackup: z.boolean().default(false),
  })
  .strict();

export default defineRule({
  id: 'data.backups',
  title: 'Personal-data stores can be restored (S3 versioning, DynamoDB PITR, RDS automated backups or AWS Backup)',
  area: 'data',
  severity: 'high',
  rationale:
    'GDPR Art. 32(1)(c) asks for the ability to restore the availability of and access to personal data in a timely manner after an incident. ' +
    'The CNIL security guide recommends regular backups, protected copies and tested restoration (fiche 17). A bucket without versioning, a table ' +
    'without point-in-time recovery or a database without automated backups loses data for good on a deletion or a ransomware overwrite. Only stores ' +
    'tagged as personal data are judged; untagged ones are named as not judged.',
  remediation: {
    console:
      'S3 > bucket > Properties > Bucket Versioning: Enable. DynamoDB > table > Backups > Point-in-time recovery: Turn on. RDS > Modify > Backup retention period ≥ 1 day. ' +
      'AWS Backup > Backup plans: a plan with a resource assignment selecting the personal-data tag; test a restore.',
    cli:
      'aws s3api put-bucket-versioning --bucket <b> --versioning-configuration Status=Enabled; ' +
      'aws dynamodb update-continuous-backups --table-name <t> --point-in-time-recovery-specification PointInTimeRecoveryEnabled=true; ' +
      'aws rds modify-db-instance --db-instance-identifier <db> --backup-retention-period 7; aws backup create-backup-selection --backup-plan-id <p> --backup-selection …',
  },
  references: [REF.gdpr32_1_c, REF.cnilGuide17],
  sections: ['dataStores'],
  parameters: BackupsParameters,
  evaluate(snapshot, params) {
    const section = requireSection(snapshot, 'dataStores');
    const stores = storesOf(section, params).filter((s) => !s.clusterMember);
    const counts = classificationCounts(stores);
    const threshold = { tagKey: params.tagKey, tagValues: params.tagValues, maxBackupAgeDays: params.maxBackupAgeDays, requireAwsBackup: params.requireAwsBackup };
    const unverified = describeUnread(section.unread, ['regions', 'buckets', 'tags', 'databases']);
    if (stores.length === 0 && unverified.length === 0) {
      return { status: 'NOT_APPLICABLE', message: `No S3 bucket, DynamoDB table or RDS database found in the ${section.regions.length} region(s) read.`, observed: { regions: section.regions, stores: 0 }, threshold, resources: [] };
    }
    const backupUnread = new Set(section.unread.filter((u) => u.what === 'backups').map((u) => u.region));
    const awsBackup = new Map(section.backupProtected.map((r) => [r.ResourceArn, r.LastBackupTime]));
    const fail: string[] = [];
    const warn: string[] = [];
    const resources: string[] = [];
    const protection: Record<string, string> = {};
    const buckets = new Map(section.buckets.map((b) => [b.Name, b]));
    const tables = new Map(section.tables.map((t) => [t.TableArn, t]));
    const databases = new Map(section.databases.map((d) => [d.Arn, d]));
    for (const s of stores.filter((x) => x.classification === 'personal')) {
      const label = storeLabel(s);
      // The store's own recovery: true / false / undefined (not read).
      let own: boolean | undefined;
      let ownName: string;
      if (s.kind === 'S3 bucket') {
        const v = buckets.get(s.name)?.Versioning;
        own = v === undefined ? undefined : v.Status === 'Enabled';
        ownName = `versioning ${v === undefined ? 'not read' : (v.Status ?? 'never enabled')}`;
      } else if (s.kind === 'DynamoDB table') {
        const pitr = tables.get(s.arn)?.PointInTimeRecoveryStatus;
        own = pitr === undefined ? undefined : pitr === 'ENABLED';
        ownName = `PITR ${pitr ?? 'not read'}`;
      } else {
        const days = databases.get(s.arn)?.BackupRetentionPeriod;
        own = days === undefined ? undefined : days > 0;
        ownName = `automated backups ${days === undefined ? 'not read' : `${days} day(s)`}`;
      }
      const last = awsBackup.get(s.arn);
      const age = last ? daysSince(new Date(last), new Date(snapshot.collectedAt)) : undefined;
      const recent = age !== undefined && age <= params.maxBackupAgeDays;
      const backupKnown = awsBackup.has(s.arn) || (s.region ? !backupUnread.has(s.region) : backupUnread.size === 0);
      protection[label] = `${ownName}; AWS Backup ${last ? `last ${last.slice(0, 10)} (${age ?? 0} d)` : backupKnown ? 'none' : 'not read'}`;
      if (recent) continue;
      if (params.requireAwsBackup) {
        if (!backupKnown) unverified.push(`AWS Backup coverage of ${label}`);
        else {
          fail.push(`${label} has no AWS Backup recovery point ${last ? `newer than ${params.maxBackupAgeDays} days (last ${last.slice(0, 10)})` : 'at all'}`);
          resources.push(s.arn);
        }
        continue;
      }
      if (own === true) continue;
      if (own === undefined || !backupKnown) {
        unverified.push(`backups of ${label} (${ownName}${backupKnown ? '' : '; AWS Backup not read'})`);
        continue;
      }
      fail.push(`${label} cannot be restored: ${ownName}, ${last ? `last AWS Backup recovery point ${last.slice(0, 10)}, older than ${params.maxBackupAgeDays} days` : 'no AWS Backup recovery point'}`);
      resources.push(s.arn);
    }
    const unclassified = stores.filter((s) => s.classification === 'unclassified' || s.classification === 'unknown');
    if (counts.personal === 0 && unclassified.length) warn.push(`no store is tagged ${params.tagKey} ∈ {${params.tagValues.join(', ')}}, so backups were judged on none; untagged: ${listLabels(unclassified.map(storeLabel))}`);
    const judged = judgedSentence(counts, params, false) + (counts.unknown ? `; ${counts.unknown} whose tags were not read, not judged` : '');
    const { status, message } = conclude({ fail, unverified, warn, judged });
    return {
      status,
      message,
      observed: { regions: section.regions, classification: counts, protection, awsBackupProtected: section.backupProtected.length, notJudged: unclassified.map(storeLabel), notVerified: unverified },
      threshold,
      resources: [...new Set(resources)].sort(),
    };
  },
});
