/**
 * ReadActivityLogs: one batch of the run's log objects (the Distributed Map's ItemBatcher:
 * `Items` from the manifest, `BatchInput` with the run), read with the CLI's decoder and
 * aggregator (lib/activity/scheduled/read-batch.ts); each account's partial aggregate goes
 * to the run work bucket, and only counts come back to the state machine.
 *
 * Throws `ActivityLogsTransient` on throttling / 5xx past the SDK's retries (the map retries
 * the batch); any other per-file failure is a file error in the account's partial.
 */
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import { ReadActivityLogsEnv, parseEnv } from '../../lib/config';
import { partialKey, runWindow, type LogObjectItem } from '../../lib/activity/scheduled/layout';
import { readLogBatch, type BatchSummary } from '../../lib/activity/scheduled/read-batch';
import { createObservability, traced, withPowertools, type Observability } from '../shared/powertools';

export interface ReadActivityLogsEvent {
  Items: LogObjectItem[];
  BatchInput: { runId: string; startedAt: string };
}

export interface ReadActivityLogsDeps {
  env: Record<string, string | undefined>;
  trailS3?: S3Client;
  workS3?: S3Client;
  region?: string;
  obs?: Observability;
}

export function createHandler(deps: ReadActivityLogsDeps) {
  const env = parseEnv(ReadActivityLogsEnv, deps.env, 'read-activity-logs');
  const obs = deps.obs ?? createObservability();
  const region = deps.region ?? deps.env.AWS_REGION ?? 'us-east-1';
  const trailS3 = deps.trailS3 ?? traced(obs, new S3Client({ region, followRegionRedirects: true, maxAttempts: 6 }));
  const workS3 = deps.workS3 ?? traced(obs, new S3Client({ region }));

  const readActivityLogs = async (event: ReadActivityLogsEvent): Promise<BatchSummary> => {
    const run = event?.BatchInput;
    if (!run?.runId || !Array.isArray(event.Items)) throw new Error('ReadActivityLogs input needs Items and BatchInput { runId, startedAt }');
    const summary = await readLogBatch(
      trailS3,
      { trail: { bucket: env.TRAIL_BUCKET, bucketAccount: env.TRAIL_BUCKET_ACCOUNT }, window: runWindow(run.startedAt, env.ACTIVITY_WINDOW_HOURS), timeZone: env.ACTIVITY_TIME_ZONE, items: event.Items },
      async (partial) => {
        await workS3.send(
          new PutObjectCommand({ Bucket: env.WORK_BUCKET, Key: partialKey(run.runId, partial.account, partial.batch), Body: JSON.stringify(partial), ContentType: 'application/json' }),
        );
      },
    );
    obs.metrics.addMetric('ActivityLogFilesRead', 'Count', summary.filesRead);
    obs.metrics.addMetric('ActivityLogFilesFailed', 'Count', summary.filesFailed);
    obs.metrics.addMetric('ActivityLogBytesRead', 'Bytes', summary.bytesRead);
    obs.logger.info('activity log batch read', { runId: run.runId, ...summary });
    return summary;
  };

  return { readActivityLogs, handler: withPowertools(readActivityLogs, obs) };
}

let cached: ReturnType<typeof createHandler> | undefined;
/** Lambda entry point: dependencies built once per execution environment. */
export const handler = (event: ReadActivityLogsEvent, context: Context) => {
  cached ??= createHandler({ env: process.env });
  return cached.handler(event, context);
};
