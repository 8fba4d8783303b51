/**
 * The trails' S3 buckets (logging.log-tamper-access, logging.retention): S3 ListBuckets pages say
 * whether this account owns each trail bucket; for an owned bucket, GetBucketPolicy,
 * GetObjectLockConfiguration and GetBucketLifecycleConfiguration. Calls: ListBuckets pages plus 3
 * per distinct trail bucket (trails are few), never per object, user or role. S3's own "none"
 * answers are facts (`null`); any other failure leaves that field absent with a collection error.
 */
import {
  GetBucketLifecycleConfigurationCommand,
  GetBucketPolicyCommand,
  GetObjectLockConfigurationCommand,
} from '@aws-sdk/client-s3';
import { listBucketsOnce } from './bucket-list';
import type { CollectionError, Trail, TrailBucket } from '../snapshot';
import { collectionError } from './errors';
import { call, toJson } from './operation';
import type { SectionContext, SectionResult } from './types';

/** S3 error names that mean "this bucket has none": a fact, not a failure. */
const NONE = new Set(['NoSuchBucketPolicy', 'ObjectLockConfigurationNotFoundError', 'NoSuchLifecycleConfiguration']);

export async function collectTrailBuckets(ctx: SectionContext, trails: readonly Trail[]): Promise<SectionResult<TrailBucket[]>> {
  const names = [...new Set(trails.map((t) => t.S3BucketName).filter((n): n is string => !!n))].sort();
  if (names.length === 0) return { value: [], errors: [] };
  const s3 = ctx.clients.s3(ctx.region);
  const owned = new Set(
    (await call('s3:ListBuckets', ctx.region, () => listBucketsOnce(ctx))).map((b) => b.Name).filter(Boolean),
  );
  const errors: CollectionError[] = [];
  const value: TrailBucket[] = [];
  /** One Get call: its value, `null` for S3's "none", `undefined` (and an error) otherwise. */
  const read = async <T>(operation: string, run: () => Promise<T>): Promise<T | null | undefined> => {
    try {
      return await run();
    } catch (error) {
      if (NONE.has((error as { name?: string }).name ?? '')) return null;
      errors.push(collectionError('trailBuckets', operation, error, ctx.region));
      return undefined;
    }
  };
  for (const Name of names) {
    const bucket: TrailBucket = { Name, inAccount: owned.has(Name) };
    if (bucket.inAccount) {
      const policy = await read('s3:GetBucketPolicy', () => s3.send(new GetBucketPolicyCommand({ Bucket: Name })));
      if (policy !== undefined) bucket.Policy = policy?.Policy ? (JSON.parse(policy.Policy) as TrailBucket['Policy']) : null;
      const lock = await read('s3:GetObjectLockConfiguration', () => s3.send(new GetObjectLockConfigurationCommand({ Bucket: Name })));
      if (lock !== undefined) bucket.ObjectLockConfiguration = lock?.ObjectLockConfiguration ? toJson(lock.ObjectLockConfiguration) : null;
      const lifecycle = await read('s3:GetBucketLifecycleConfiguration', () => s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: Name })));
      if (lifecycle !== undefined) bucket.LifecycleRules = lifecycle ? toJson(lifecycle.Rules ?? []) : null;
    }
    value.push(bucket);
  }
  return { value, errors };
}
