/**
 * S3 ListBuckets, read once per account collection and shared by the trail-bucket and data-store
 * collectors (collect once: the same pages are not asked for twice).
 */
import { paginateListBuckets, type Bucket } from '@aws-sdk/client-s3';
import { allPages } from './operation';
import type { SectionContext } from './types';

const listed = new WeakMap<SectionContext, Promise<Bucket[]>>();

/** Every bucket of the account (all ListBuckets pages), asked once per collection context. */
export function listBucketsOnce(ctx: SectionContext): Promise<Bucket[]> {
  let pages = listed.get(ctx);
  if (!pages) {
    pages = allPages(paginateListBuckets({ client: ctx.clients.s3(ctx.region) }, {}), (p) => p.Buckets);
    listed.set(ctx, pages);
  }
  return pages;
}
