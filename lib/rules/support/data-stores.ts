/**
 * What the four data.* rules share: which stores hold personal data, and one view of every store
 * in the `dataStores` section.
 *
 * The convention (docs/second-wave-rules.md): a store holds personal data when it carries the tag
 * `tagKey` (default `data-classification`) with one of `tagValues` (default personal, personal-data,
 * pii; case-insensitive) — the same defaults as logging.personal-data-events and the collector.
 * A store with that key and another value is classified as not personal (the controller said so);
 * a store WITHOUT the key is UNCLASSIFIED: never taken as non-personal in silence — each rule either
 * judges it (as possibly personal, WARN instead of FAIL) or names it as not judged; a store whose
 * tags could not be read is UNKNOWN (NOT VERIFIED).
 */
import { z } from 'zod';
import type { DataStoresSection, DataStoresUnread } from '../../snapshot';

type Tag = { Key: string; Value: string };

/** The tag convention, shared by the four rules' parameters. */
export const dataClassificationShape = {
  /** Tag key that classifies a store. */
  tagKey: z.string().min(1).default('data-classification'),
  /** Values of `tagKey` (case-insensitive) that mean "holds personal data". */
  tagValues: z.array(z.string().min(1)).min(1).default(['personal', 'personal-data', 'pii']),
};
export const DataClassificationParameters = z.object(dataClassificationShape).strict();
export type DataClassification = z.infer<typeof DataClassificationParameters>;

export type Classification = 'personal' | 'unclassified' | 'not-personal' | 'unknown';

export function classify(tags: readonly Tag[] | undefined, p: DataClassification): Classification {
  if (tags === undefined) return 'unknown';
  const key = p.tagKey.toLowerCase();
  const values = new Set(p.tagValues.map((v) => v.toLowerCase()));
  const mine = tags.filter((t) => t.Key.toLowerCase() === key);
  if (mine.length === 0) return 'unclassified';
  return mine.some((t) => values.has(t.Value.toLowerCase())) ? 'personal' : 'not-personal';
}

export type StoreKind = 'S3 bucket' | 'DynamoDB table' | 'RDS instance' | 'RDS cluster';

export interface StoreView {
  kind: StoreKind;
  name: string;
  arn: string;
  /** Absent when it could not be read (an S3 bucket whose location is unknown). */
  region?: string;
  classification: Classification;
  /** An RDS instance that belongs to a cluster (the cluster carries storage settings). */
  clusterMember?: boolean;
}

/** Every store of the section, each with its classification. */
export function storesOf(section: DataStoresSection, p: DataClassification): StoreView[] {
  return [
    ...section.buckets.map((b): StoreView => ({ kind: 'S3 bucket', name: b.Name, arn: `arn:aws:s3:::${b.Name}`, ...(b.Region ? { region: b.Region } : {}), classification: classify(b.Tags, p) })),
    ...section.tables.map((t): StoreView => ({ kind: 'DynamoDB table', name: t.TableName, arn: t.TableArn, region: t.Region, classification: classify(t.Tags, p) })),
    ...section.databases.map(
      (d): StoreView => ({
        kind: d.kind === 'cluster' ? 'RDS cluster' : 'RDS instance',
        name: d.Identifier,
        arn: d.Arn,
        region: d.Region,
        classification: classify(d.TagList, p),
        ...(d.kind === 'instance' && d.DBClusterIdentifier ? { clusterMember: true } : {}),
      }),
    ),
  ];
}

/** `S3 bucket jobseeker-documents (eu-west-3)` */
export function storeLabel(s: Pick<StoreView, 'kind' | 'name' | 'region'>): string {
  return `${s.kind} ${s.name}${s.region ? ` (${s.region})` : ''}`;
}

/** The first `max` labels, then `… and N more`. */
export function listLabels(labels: readonly string[], max = 5): string {
  const shown = labels.slice(0, max).join(', ');
  return labels.length > max ? `${shown} and ${labels.length - max} more` : shown;
}

/** `unread` entries of the given kinds, described for a message: `dynamodb:ListTables in eu-west-3 (AccessDenied)`. */
export function describeUnread(unread: readonly DataStoresUnread[], kinds: readonly DataStoresUnread['what'][]): string[] {
  return unread
    .filter((u) => kinds.includes(u.what))
    .map((u) => `${u.operation}${u.item ? ` ${u.item}` : ''}${u.region ? ` in ${u.region}` : ''} (${u.code})`);
}

/** Counts per classification, for `observed`. */
export function classificationCounts(stores: readonly StoreView[]): Record<Classification, number> {
  const out: Record<Classification, number> = { personal: 0, unclassified: 0, 'not-personal': 0, unknown: 0 };
  for (const s of stores) out[s.classification]++;
  return out;
}

/**
 * The data rules' one way to conclude: FAIL when a personal-data store fails; otherwise ERROR
 * (NOT VERIFIED) when something needed could not be read; otherwise WARN; otherwise PASS. A
 * message always says what failed, what was not verified and what was judged.
 */
export function conclude(parts: { fail: string[]; unverified: string[]; warn: string[]; judged: string }): { status: 'PASS' | 'FAIL' | 'WARN' | 'ERROR'; message: string } {
  const { fail, unverified, warn, judged } = parts;
  const tail = [
    unverified.length ? `NOT VERIFIED: ${listLabels(unverified)}` : '',
    warn.length ? `Also: ${listLabels(warn)}` : '',
    judged,
  ].filter(Boolean);
  if (fail.length) return { status: 'FAIL', message: `${listLabels(fail)}. ${tail.join('. ')}.` };
  if (unverified.length) return { status: 'ERROR', message: `NOT VERIFIED: ${listLabels(unverified)}. ${[warn.length ? `Also: ${listLabels(warn)}` : '', judged].filter(Boolean).join('. ')}.` };
  if (warn.length) return { status: 'WARN', message: `${listLabels(warn)}. ${judged}.` };
  return { status: 'PASS', message: `${judged}.` };
}

/** `3 personal-data stores judged; 2 unclassified stores (no data-classification tag) judged as possibly personal` */
export function judgedSentence(counts: Record<Classification, number>, p: DataClassification, unclassifiedJudged: boolean): string {
  const parts = [`${counts.personal} store(s) tagged ${p.tagKey} ∈ {${p.tagValues.join(', ')}} judged as personal data`];
  if (counts.unclassified) parts.push(`${counts.unclassified} without a ${p.tagKey} tag ${unclassifiedJudged ? 'judged as possibly personal (WARN, not FAIL)' : 'not judged (tag them)'}`);
  if (counts['not-personal']) parts.push(`${counts['not-personal']} classified as not personal`);
  return parts.join('; ');
}
