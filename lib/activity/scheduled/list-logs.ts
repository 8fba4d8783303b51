/**
 * The lister of scheduled log-file activity: the window's CloudTrail log objects of each
 * account of the run, in the trail bucket's documented layout
 *
 *   <prefix>AWSLogs/[o-<org>/]<account>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<id>.json.gz
 *
 * Per account: one delimited listing of its regions, then one paginated listing per region
 * and UTC day that the window (plus late delivery) touches; names delivered outside the
 * window and digest files are left out by the CLI's own rule (`isLogFileForWindow`). Each
 * object becomes one manifest item (`onItem`); each account gets a listing record (files,
 * regions, calls, failed listings), which its evaluation compares with what was read.
 *
 * A listing that fails (after the SDK's retries: AccessDenied, NoSuchBucket, SlowDown…) is
 * recorded for the account and the others go on; nothing is silently dropped.
 */
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { DEFAULT_LATE_DELIVERY_MS, isLogFileForWindow } from '../log-files';
import { MAX_LISTED_LISTING_ERRORS, type AccountListing, type ListingError, type LogObjectItem } from './layout';
import { mapLimit } from '../../support/map-limit';

export interface TrailBucket {
  bucket: string;
  /** Key prefix with its trailing slash, or `''`. */
  prefix: string;
  /** Sent as ExpectedBucketOwner: a bucket of another owner is refused by S3. */
  bucketAccount: string;
  /** `o-…` of an organisation trail; absent = discovered under `<prefix>AWSLogs/`. */
  organizationId?: string;
}

export interface ListLogsOptions {
  trail: TrailBucket;
  accounts: readonly string[];
  window: { start: Date; end: Date };
  lateDeliveryMs?: number;
  /** Listings in flight at once. Default 32. */
  concurrency?: number;
  /** Pages per listed prefix at most (a runaway prefix is recorded, not followed for ever). Default 1,000. */
  maxPagesPerPrefix?: number;
}

export interface ListLogsResult {
  /** The organisation folder used (`o-…`), if any. */
  organizationId?: string;
  accounts: AccountListing[];
  files: number;
  bytes: number;
  listCalls: number;
}

/** The UTC days (`YYYY/MM/DD`) from `start` to `end`, inclusive. */
export function utcDays(start: Date, end: Date): string[] {
  const days: string[] = [];
  const day = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate()));
  while (day.getTime() <= end.getTime()) {
    days.push(`${day.getUTCFullYear()}/${String(day.getUTCMonth() + 1).padStart(2, '0')}/${String(day.getUTCDate()).padStart(2, '0')}`);
    day.setUTCDate(day.getUTCDate() + 1);
  }
  return days;
}

const REGION_FOLDER = /^[a-z]{2}(-[a-z]+)+-\d+\/$/;

export async function listLogObjects(s3: S3Client, options: ListLogsOptions, onItem: (item: LogObjectItem) => void | Promise<void>): Promise<ListLogsResult> {
  const { trail, window } = options;
  const late = options.lateDeliveryMs ?? DEFAULT_LATE_DELIVERY_MS;
  const maxPages = options.maxPagesPerPrefix ?? 1000;
  let listCalls = 0;

  /** Every page of one prefix; failures are thrown to the caller (recorded per account). */
  async function* pages(prefix: string, delimiter: string | undefined, counter: { listCalls: number }) {
    let token: string | undefined;
    let n = 0;
    do {
      if (n >= maxPages) throw Object.assign(new Error(`more than ${maxPages} pages under ${prefix}: stopped listing`), { name: 'ListBudget' });
      listCalls += 1;
      counter.listCalls += 1;
      n += 1;
      const page = await s3.send(
        new ListObjectsV2Command({ Bucket: trail.bucket, Prefix: prefix, ExpectedBucketOwner: trail.bucketAccount, ...(delimiter ? { Delimiter: delimiter } : {}), ...(token ? { ContinuationToken: token } : {}) }),
      );
      yield page;
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  const logsPrefix = `${trail.prefix}AWSLogs/`;
  let organizationId = trail.organizationId;
  if (organizationId === undefined) {
    // An organisation trail writes under AWSLogs/o-…/; an account trail under AWSLogs/<account>/.
    // Discovery failing is not fatal here: every account's own listing then fails and says why.
    try {
      const orgs = new Set<string>();
      for await (const page of pages(logsPrefix, '/', { listCalls: 0 })) {
        for (const p of page.CommonPrefixes ?? []) {
          const m = /^o-[a-z0-9]{10,32}(?=\/$)/.exec((p.Prefix ?? '').slice(logsPrefix.length));
          if (m) orgs.add(m[0]);
        }
      }
      // Two organisation folders would be two trails' copies of the same events: refuse to guess.
      if (orgs.size === 1) organizationId = [...orgs][0];
      else if (orgs.size > 1) throw Object.assign(new Error(`several organisation folders under ${logsPrefix} (${[...orgs].join(', ')}): set activity.organizationId`), { name: 'AmbiguousLayout' });
    } catch (error) {
      if ((error as Error).name === 'AmbiguousLayout') throw error;
    }
  }

  let files = 0;
  let bytes = 0;
  const listings = await mapLimit(options.accounts, options.concurrency ?? 32, async (account): Promise<AccountListing> => {
    const base = `${logsPrefix}${organizationId ? `${organizationId}/` : ''}${account}/CloudTrail/`;
    const listing: AccountListing = { account, location: `s3://${trail.bucket}/${base}`, regions: [], filesListed: 0, bytesListed: 0, listCalls: 0, filesSkipped: 0, listErrors: [], listErrorCount: 0 };
    const failed = (prefix: string, error: unknown): void => {
      listing.listErrorCount += 1;
      if (listing.listErrors.length < MAX_LISTED_LISTING_ERRORS) listing.listErrors.push(listingError(prefix, error));
    };
    try {
      for await (const page of pages(base, '/', listing)) {
        for (const p of page.CommonPrefixes ?? []) {
          const folder = (p.Prefix ?? '').slice(base.length);
          if (REGION_FOLDER.test(folder)) listing.regions.push(folder.slice(0, -1));
        }
      }
    } catch (error) {
      failed(base, error);
    }
    for (const region of listing.regions) {
      for (const day of utcDays(window.start, new Date(window.end.getTime() + late))) {
        const prefix = `${base}${region}/${day}/`;
        try {
          for await (const page of pages(prefix, undefined, listing)) {
            for (const object of page.Contents ?? []) {
              if (!object.Key) continue;
              if (!isLogFileForWindow(object.Key, window, { lateDeliveryMs: late })) {
                listing.filesSkipped += 1;
                continue;
              }
              const size = object.Size ?? 0;
              listing.filesListed += 1;
              listing.bytesListed += size;
              await onItem({ a: account, k: object.Key, s: size });
            }
          }
        } catch (error) {
          failed(prefix, error);
        }
      }
    }
    files += listing.filesListed;
    bytes += listing.bytesListed;
    return listing;
  });
  return { ...(organizationId ? { organizationId } : {}), accounts: listings, files, bytes, listCalls };
}

function listingError(prefix: string, error: unknown): ListingError {
  const code = (error as { name?: string }).name ?? 'Error';
  const message = error instanceof Error ? error.message : String(error);
  return { prefix, code, message: `ListObjectsV2 on ${prefix} failed: ${message.slice(0, 300)}` };
}
