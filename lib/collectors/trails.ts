/**
 * CloudTrail: DescribeTrails (shadow trails included, so multi-region and organisation
 * trails whose home is elsewhere are seen), then for each trail, in its HOME region,
 * GetTrailStatus and GetEventSelectors (basic or advanced), and GetInsightSelectors when
 * DescribeTrails says the trail has Insights selectors. A trail whose status or
 * selectors cannot be read is kept without them, with a collection error saying why.
 */
import {
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  GetInsightSelectorsCommand,
  GetTrailStatusCommand,
  type Trail as SdkTrail,
} from '@aws-sdk/client-cloudtrail';
import type { CollectionError, Trail } from '../snapshot';
import { collectionError } from './errors';
import { call, toJson } from './operation';
import type { SectionContext, SectionResult } from './types';

export async function collectTrails(ctx: SectionContext): Promise<SectionResult<Trail[]>> {
  const described = await call('cloudtrail:DescribeTrails', ctx.region, () =>
    ctx.clients.cloudTrail(ctx.region).send(new DescribeTrailsCommand({ includeShadowTrails: true })),
  );
  const unique = new Map<string, SdkTrail>();
  for (const t of described.trailList ?? []) if (t.TrailARN && !unique.has(t.TrailARN)) unique.set(t.TrailARN, t);

  const errors: CollectionError[] = [];
  const trails: Trail[] = [];
  for (const t of unique.values()) {
    const home = t.HomeRegion ?? ctx.region;
    const client = ctx.clients.cloudTrail(home);
    const trail: Record<string, unknown> = toJson({ ...t, HomeRegion: home });
    try {
      const status = await client.send(new GetTrailStatusCommand({ Name: t.TrailARN }));
      trail.Status = toJson({ ...status, IsLogging: status.IsLogging ?? false });
    } catch (error) {
      errors.push(collectionError('trails', 'cloudtrail:GetTrailStatus', error, home));
    }
    try {
      const selectors = await client.send(new GetEventSelectorsCommand({ TrailName: t.TrailARN }));
      if (selectors.EventSelectors) trail.EventSelectors = toJson(selectors.EventSelectors);
      if (selectors.AdvancedEventSelectors) trail.AdvancedEventSelectors = toJson(selectors.AdvancedEventSelectors);
    } catch (error) {
      errors.push(collectionError('trails', 'cloudtrail:GetEventSelectors', error, home));
    }
    // Insights: DescribeTrails says whether there are any; only then ask which.
    if (t.HasInsightSelectors === false) trail.InsightSelectors = [];
    else {
      try {
        const insights = await client.send(new GetInsightSelectorsCommand({ TrailName: t.TrailARN }));
        trail.InsightSelectors = toJson(insights.InsightSelectors ?? []);
      } catch (error) {
        if ((error as { name?: string }).name === 'InsightNotEnabledException') trail.InsightSelectors = [];
        else errors.push(collectionError('trails', 'cloudtrail:GetInsightSelectors', error, home));
      }
    }
    trails.push(trail as Trail);
  }
  return { value: trails, errors };
}
