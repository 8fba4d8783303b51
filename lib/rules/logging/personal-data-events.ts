/**
 * logging.personal-data-events — every data store tagged as holding personal data is
 * covered by CloudTrail data events that include reads, on a trail that is logging.
 * Supported stores: S3 buckets (AWS::S3::Object) and DynamoDB tables (AWS::DynamoDB::Table).
 */
import { z } from 'zod';
import { requireSection, type AdvancedEventSelector, type TaggedResource, type Trail } from '../../snapshot';
import { defineRule } from '../types';
import { REF } from '../support/references';
import { statusNotCollected, trailCandidates } from '../support/trails';
import { agree, plural } from '../../support/plural';

export const PersonalDataEventsParameters = z.object({
  tagKey: z.string().min(1).default('data-classification'),
  /** Tag values (case-insensitive) that mark a store as holding personal data. */
  tagValues: z.array(z.string()).default(['personal', 'personal-data', 'pii']),
});

interface StoreTarget {
  arn: string;
  /** CloudTrail data resource type. */
  type: 'AWS::S3::Object' | 'AWS::DynamoDB::Table';
  /** The ARN prefix data events use for this store (bucket objects: `arn:aws:s3:::bucket/`). */
  eventArn: string;
  region?: string;
}

/** How CloudTrail names the data events of a store, or undefined when it has none we can judge. */
export function storeTarget(arn: string): StoreTarget | undefined {
  const s3 = /^arn:([^:]+):s3:::([^/]+)\/?$/.exec(arn);
  if (s3) return { arn, type: 'AWS::S3::Object', eventArn: `arn:${s3[1]}:s3:::${s3[2]}/` };
  const ddb = /^arn:[^:]+:dynamodb:([^:]+):\d{12}:table\/[^/]+$/.exec(arn);
  if (ddb) return { arn, type: 'AWS::DynamoDB::Table', eventArn: arn, region: ddb[1] };
  return undefined;
}

/** Basic selectors: a DataResources entry of the store's type whose value is a prefix of the store's event ARN. */
function basicCovers(trail: Trail, store: StoreTarget): boolean {
  for (const sel of trail.EventSelectors ?? []) {
    if (sel.ReadWriteType === 'WriteOnly') continue; // extraction is reads
    for (const dr of sel.DataResources ?? []) {
      if (dr.Type !== store.type) continue;
      if ((dr.Values ?? []).some((v) => store.eventArn.startsWith(v))) return true;
    }
  }
  return false;
}

/** Advanced selectors: eventCategory=Data, resources.type matches, reads not excluded, ARN filter includes the store. */
function advancedSelectorCovers(sel: AdvancedEventSelector, store: StoreTarget): boolean {
  const field = (name: string) => sel.FieldSelectors.find((f) => f.Field === name);
  if (!(field('eventCategory')?.Equals ?? []).includes('Data')) return false;
  if (!(field('resources.type')?.Equals ?? []).includes(store.type)) return false;
  const readOnly = field('readOnly');
  if (readOnly?.Equals && !readOnly.Equals.includes('true')) return false;
  const arn = field('resources.ARN');
  if (!arn) return true;
  if ((arn.NotStartsWith ?? []).some((p) => store.eventArn.startsWith(p) || p.startsWith(store.eventArn))) return false;
  if ((arn.NotEquals ?? []).includes(store.eventArn)) return false;
  const included =
    (arn.StartsWith ?? []).some((p) => store.eventArn.startsWith(p)) || (arn.Equals ?? []).includes(store.eventArn);
  // A selector with only exclusions (NotStartsWith/NotEquals) that spared the store covers it.
  return included || (!arn.StartsWith && !arn.Equals);
}

function trailCovers(trail: Trail, store: StoreTarget): boolean {
  if (!trail.IsMultiRegionTrail && store.region !== undefined && store.region !== trail.HomeRegion) return false;
  const advanced = trail.AdvancedEventSelectors;
  if (advanced && advanced.length > 0) return advanced.some((s) => advancedSelectorCovers(s, store));
  return basicCovers(trail, store);
}

export function personalDataStores(stores: readonly TaggedResource[], p: z.infer<typeof PersonalDataEventsParameters>): TaggedResource[] {
  const key = p.tagKey.toLowerCase();
  const values = new Set(p.tagValues.map((v) => v.toLowerCase()));
  return stores.filter((s) => s.Tags.some((t) => t.Key.toLowerCase() === key && values.has(t.Value.toLowerCase())));
}

export default defineRule({
  id: 'logging.personal-data-events',
  title: 'Data events are logged on personal-data stores',
  area: 'logging',
  severity: 'high',
  rationale:
    'Management events show who changed configuration, not who read the data. In the France Travail case (SAN-2026-003, ' +
    'public summaries) 25 GB of personal data were extracted and logging could not detect the abnormal behaviour. CloudTrail data events (S3 object reads, DynamoDB item reads) on the stores ' +
    'holding personal data give the "who accessed which data, when" the CNIL logging recommendation (délibération n° 2021-122) recommends.',
  remediation: {
    console: 'CloudTrail console → Trails → <trail> → Data events → Edit: add S3 / DynamoDB data events (read and write) for the personal-data buckets and tables.',
    cli:
      'aws cloudtrail put-event-selectors --trail-name <trail> --advanced-event-selectors \'[{"Name":"Management","FieldSelectors":[{"Field":"eventCategory","Equals":["Management"]}]},' +
      '{"Name":"Personal data S3","FieldSelectors":[{"Field":"eventCategory","Equals":["Data"]},{"Field":"resources.type","Equals":["AWS::S3::Object"]},{"Field":"resources.ARN","StartsWith":["arn:aws:s3:::<bucket>/"]}]},' +
      '{"Name":"Personal data DynamoDB","FieldSelectors":[{"Field":"eventCategory","Equals":["Data"]},{"Field":"resources.type","Equals":["AWS::DynamoDB::Table"]},{"Field":"resources.ARN","Equals":["<table arn>"]}]}]\'',
  },
  references: [REF.cnil2021_122, REF.cnilGuide16, REF.gdpr32_2, REF.cnilSan2026_003],
  sections: ['trails', 'personalDataStores'],
  parameters: PersonalDataEventsParameters,
  evaluate(snapshot, params) {
    // Any trail counts here (a single-region trail covers the stores of its home region).
    const { qualifying: trails, unknownStatus } = trailCandidates(requireSection(snapshot, 'trails'), () => true);
    const tagged = personalDataStores(requireSection(snapshot, 'personalDataStores'), params);
    const threshold = params;
    if (tagged.length === 0) {
      return {
        status: 'NOT_APPLICABLE',
        message:
          `No data store is tagged ${params.tagKey}=${params.tagValues.join('|')}. Tag the S3 buckets and DynamoDB tables holding personal data, e.g. ` +
          `aws resourcegroupstaggingapi tag-resources --resource-arn-list <arn> --tags ${params.tagKey}=${params.tagValues[0] ?? 'personal'}`,
        observed: { taggedStores: 0 },
        threshold,
        resources: [],
      };
    }
    const uncovered: string[] = [];
    /** Stores only trails of unknown status would cover: neither covered nor uncovered is proven. */
    const undecided: { store: string; trails: Trail[] }[] = [];
    const unsupported: string[] = [];
    const covered: { store: string; trails: string[] }[] = [];
    for (const s of tagged) {
      const target = storeTarget(s.ResourceARN);
      if (!target) {
        unsupported.push(s.ResourceARN);
        continue;
      }
      const by = trails.filter((t) => trailCovers(t, target)).map((t) => t.Name);
      if (by.length > 0) {
        covered.push({ store: s.ResourceARN, trails: by });
        continue;
      }
      const maybe = unknownStatus.filter((t) => trailCovers(t, target));
      if (maybe.length > 0) undecided.push({ store: s.ResourceARN, trails: maybe });
      else uncovered.push(s.ResourceARN);
    }
    const observed = {
      taggedStores: tagged.length,
      covered,
      uncovered,
      coveredOnlyByTrailsOfUnknownStatus: undecided.map((u) => ({ store: u.store, trails: u.trails.map((t) => t.TrailARN) })),
      unsupportedStoreTypes: unsupported,
      loggingTrails: trails.map((t) => t.TrailARN),
    };
    if (uncovered.length > 0) {
      return {
        status: 'FAIL',
        message: `${uncovered.length} of ${tagged.length} personal-data stores ${agree(uncovered.length, 'has', 'have')} no data-event logging of reads: ${uncovered.slice(0, 3).join(', ')}${uncovered.length > 3 ? ', …' : ''}.`,
        observed,
        threshold,
        resources: uncovered,
      };
    }
    if (undecided.length > 0) {
      const unknown = [...new Set(undecided.flatMap((u) => u.trails))];
      return statusNotCollected(
        unknown,
        `${plural(undecided.length, 'personal-data store')} (${undecided.slice(0, 3).map((u) => u.store).join(', ')}${undecided.length > 3 ? ', …' : ''}) ${agree(undecided.length, 'is', 'are')} covered only by this trail, which may not be logging`,
        observed,
        threshold,
      );
    }
    if (unsupported.length > 0) {
      return {
        status: 'WARN',
        message: `${plural(unsupported.length, 'personal-data store')} ${agree(unsupported.length, 'is', 'are')} of a type this rule cannot judge (only S3 buckets and DynamoDB tables): check their own audit logs.`,
        observed,
        threshold,
        resources: unsupported,
      };
    }
    return { status: 'PASS', message: `${tagged.length === 1 ? 'The 1 personal-data store is' : `All ${tagged.length} personal-data stores are`} covered by data events on a logging trail.`, observed, threshold, resources: covered.map((c) => c.store) };
  },
});
