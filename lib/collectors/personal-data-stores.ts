/**
 * Resource Groups Tagging API GetResources: the resources tagged as holding personal data.
 * Tag filters with different keys are ANDed by the API, so each filter is one query (an OR).
 */
import { paginateGetResources } from '@aws-sdk/client-resource-groups-tagging-api';
import type { TaggedResource } from '../snapshot';
import { allPages, call, toJson } from './operation';
import type { SectionContext } from './types';

export async function collectPersonalDataStores(ctx: SectionContext): Promise<TaggedResource[]> {
  const client = ctx.clients.tagging(ctx.region);
  const byArn = new Map<string, TaggedResource>();
  for (const filter of ctx.options.personalDataTagFilters) {
    const found = await call('tag:GetResources', ctx.region, () =>
      allPages(paginateGetResources({ client }, { TagFilters: [filter] }), (p) => p.ResourceTagMappingList),
    );
    for (const r of found) {
      if (r.ResourceARN && !byArn.has(r.ResourceARN)) {
        byArn.set(r.ResourceARN, toJson<TaggedResource>({ ResourceARN: r.ResourceARN, Tags: r.Tags ?? [] }));
      }
    }
  }
  return [...byArn.values()].sort((a, b) => a.ResourceARN.localeCompare(b.ResourceARN));
}
