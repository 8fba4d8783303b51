/**
 * The S3 log reader of `activity: { source: 's3' }`, for the CLI's live collection: trail
 * log files are read with `readS3Prefix` through an S3 client in the collected account's
 * credentials. Its own module, imported only by the CLI path (accounts.ts), so the collect
 * Lambda's bundle never carries the S3 SDK.
 *
 * The trail bucket usually lives in a log-archive account: the credentials need
 * `s3:ListBucket` on the bucket and `s3:GetObject` on the prefix there (an opt-in grant,
 * not part of collector-policy.json; see docs/live.md).
 */
import { S3Client } from '@aws-sdk/client-s3';
import { readS3Prefix } from '../activity/log-files';
import type { S3LogReader } from './activity';
import { attachApiCallCounter } from './api-calls';
import { baseClientConfig, type ClientSettings } from './clients';

export function createS3LogReader(settings: ClientSettings): S3LogReader {
  let client: S3Client | undefined;
  return (uri, aggregator) => {
    // The bucket's region is not known in advance: follow S3's redirect to it.
    if (!client) {
      client = new S3Client({ ...baseClientConfig(settings), followRegionRedirects: true });
      if (settings.counter) attachApiCallCounter(client, settings.counter);
    }
    return readS3Prefix(client, uri, aggregator);
  };
}
