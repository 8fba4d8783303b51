/**
 * ListActivityLogs: the window's CloudTrail log objects of every account of the run, listed
 * in the organisation trail's bucket (lib/activity/scheduled/list-logs.ts), written to the
 * run work bucket as the manifest the ReadActivityLogs Distributed Map reads (JSON Lines,
 * one object per line) and one listing record per account (what its evaluation compares
 * with what was read). Returns counts and the manifest's key only: a small state whatever
 * the organisation's size.
 *
 * A retry rewrites the same keys. A listing refused for one account is recorded for it; a
 * failure of the whole lister leaves no listing, and each account's evaluation then says
 * "activity not collected" (ERROR), never PASS.
 */
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import { ListActivityLogsEnv, parseEnv } from '../../lib/config';
import { listingKey, manifestKey, runWindow } from '../../lib/activity/scheduled/layout';
import { JsonLinesUpload } from '../../lib/activity/scheduled/jsonl-upload';
import { listLogObjects } from '../../lib/activity/scheduled/list-logs';
import { mapLimit } from '../../lib/support/map-limit';
import { accountsOfRun, type AccountListRef } from '../../lib/run/account-list';
import { createObservability, traced, withPowertools, type Observability } from '../shared/powertools';

export interface ListActivityLogsEvent {
  runId: string;
  startedAt: string;
  /** The run's accounts inline, or where ListAccounts wrote them (the state machine). */
  accounts?: string[];
  accountList?: AccountListRef;
}

export interface ListActivityLogsResult {
  /** Where the manifest is (bucket and key), for the Distributed Map's ItemReader. */
  manifest: { bucket: string; key: string };
  files: number;
  bytes: number;
  accounts: number;
  accountsWithListingErrors: number;
  listCalls: number;
}

export interface ListActivityLogsDeps {
  env: Record<string, string | undefined>;
  /** Client for the trail bucket (the log-archive account's). */
  trailS3?: S3Client;
  /** Client for the run work bucket (this account's). */
  workS3?: S3Client;
  region?: string;
  obs?: Observability;
}

export function createHandler(deps: ListActivityLogsDeps) {
  const env = parseEnv(ListActivityLogsEnv, deps.env, 'list-activity-logs');
  const obs = deps.obs ?? createObservability();
  const region = deps.region ?? deps.env.AWS_REGION ?? 'us-east-1';
  // The trail bucket may be in another region: follow S3's redirect to it.
  const trailS3 = deps.trailS3 ?? traced(obs, new S3Client({ region, followRegionRedirects: true, maxAttempts: 6 }));
  const workS3 = deps.workS3 ?? traced(obs, new S3Client({ region }));

  const listActivityLogs = async (event: ListActivityLogsEvent): Promise<ListActivityLogsResult> => {
    const accounts = event?.runId ? await accountsOfRun(event, () => workS3) : undefined;
    if (!accounts) throw new Error('ListActivityLogs input needs runId, startedAt and accounts or accountList');
    const window = runWindow(event.startedAt, env.ACTIVITY_WINDOW_HOURS);
    const key = manifestKey(event.runId);
    const manifest = new JsonLinesUpload(workS3, env.WORK_BUCKET, key);
    let result;
    try {
      result = await listLogObjects(
        trailS3,
        {
          trail: { bucket: env.TRAIL_BUCKET, prefix: env.TRAIL_PREFIX, bucketAccount: env.TRAIL_BUCKET_ACCOUNT, ...(env.TRAIL_ORGANIZATION_ID ? { organizationId: env.TRAIL_ORGANIZATION_ID } : {}) },
          accounts,
          window,
        },
        (item) => manifest.write(item),
      );
      await manifest.close();
    } catch (error) {
      await manifest.abort();
      throw error;
    }
    await mapLimit(result.accounts, 16, (listing) =>
      workS3.send(new PutObjectCommand({ Bucket: env.WORK_BUCKET, Key: listingKey(event.runId, listing.account), Body: JSON.stringify(listing), ContentType: 'application/json' })),
    );
    const accountsWithListingErrors = result.accounts.filter((a) => a.listErrorCount > 0).length;
    obs.metrics.addMetric('ActivityLogFilesListed', 'Count', result.files);
    obs.metrics.addMetric('ActivityLogBytesListed', 'Bytes', result.bytes);
    obs.metrics.addMetric('ActivityListingFailures', 'Count', accountsWithListingErrors);
    obs.logger.info('activity log files listed', { runId: event.runId, files: result.files, bytes: result.bytes, accounts: result.accounts.length, accountsWithListingErrors, listCalls: result.listCalls, organizationId: result.organizationId });
    return { manifest: { bucket: env.WORK_BUCKET, key }, files: result.files, bytes: result.bytes, accounts: result.accounts.length, accountsWithListingErrors, listCalls: result.listCalls };
  };

  return { listActivityLogs, handler: withPowertools(listActivityLogs, obs) };
}

let cached: ReturnType<typeof createHandler> | undefined;
/** Lambda entry point: dependencies built once per execution environment. */
export const handler = (event: ListActivityLogsEvent, context: Context) => {
  cached ??= createHandler({ env: process.env });
  return cached.handler(event, context);
};
