/**
 * logging.cloudtrail-multi-region — some trail records every region's read and write
 * management events and is logging now.
 */
import { z } from 'zod';
import { requireSection } from '../../snapshot';
import { defineRule } from '../types';
import { REF } from '../support/references';
import { isLogging, logsAllManagementEvents, statusNotCollected, trailCandidates } from '../support/trails';

export default defineRule({
  id: 'logging.cloudtrail-multi-region',
  title: 'A multi-region trail logs read and write management events',
  area: 'logging',
  severity: 'high',
  rationale:
    'The CNIL logging recommendation (délibération n° 2021-122) recommends a trace of every access, creation, modification and ' +
    'deletion with its author and time; it targets application logs, and CloudTrail gives that trace for the AWS layer only. Without a multi-region trail that is logging both reads and writes, activity in other regions, or reads of data and ' +
    'configuration, leave no trace to investigate or to prove what happened.',
  remediation: {
    console: 'CloudTrail console → Trails → Create trail (or edit): apply to all regions, Management events: Read and Write; then Start logging.',
    cli:
      'aws cloudtrail create-trail --name org-trail --s3-bucket-name <bucket> --is-multi-region-trail --enable-log-file-validation --kms-key-id <key arn> && ' +
      'aws cloudtrail put-event-selectors --trail-name org-trail --event-selectors \'[{"ReadWriteType":"All","IncludeManagementEvents":true}]\' && ' +
      'aws cloudtrail start-logging --name org-trail',
  },
  references: [REF.cnil2021_122, REF.gdpr32_1_b, REF.cnilGuide16, REF.cnilGuide22],
  sections: ['trails'],
  parameters: z.object({}),
  evaluate(snapshot) {
    const { trails, qualifying, unknownStatus } = trailCandidates(requireSection(snapshot, 'trails'), (t) => t.IsMultiRegionTrail && logsAllManagementEvents(t) === true);
    // Multi-region trails, logging or maybe, whose selectors were not collected: they may qualify.
    const unknownSelectors = trails.filter((t) => t.IsMultiRegionTrail && isLogging(t) !== false && logsAllManagementEvents(t) === undefined);
    const facts = trails.map((t) => ({
      TrailARN: t.TrailARN,
      IsMultiRegionTrail: t.IsMultiRegionTrail,
      IsLogging: isLogging(t) ?? 'unknown (status not collected)',
      readAndWriteManagementEvents: logsAllManagementEvents(t) ?? 'unknown (event selectors not collected)',
    }));
    const observed = { trails: facts, trailCount: trails.length };
    const threshold = { required: 'IsMultiRegionTrail, IsLogging, read and write management events' };
    if (qualifying.length > 0) {
      return {
        status: 'PASS',
        message: `${qualifying.length} multi-region trail(s) log read and write management events: ${qualifying.map((t) => t.Name).join(', ')}.`,
        observed,
        threshold,
        resources: qualifying.map((t) => t.TrailARN),
      };
    }
    if (unknownStatus.length > 0) return statusNotCollected(unknownStatus, 'cannot tell whether it is logging, and no other trail qualifies', observed, threshold);
    if (unknownSelectors.length > 0) {
      return {
        status: 'ERROR',
        message: `Trail ${unknownSelectors.map((t) => t.Name).join(', ')} event selectors not collected (GetEventSelectors): cannot tell whether it records read and write management events, and no other trail qualifies.`,
        observed,
        threshold,
        resources: unknownSelectors.map((t) => t.TrailARN),
      };
    }
    const why =
      trails.length === 0
        ? 'no trail exists'
        : `none of ${trails.length} trail(s) is multi-region, logging and recording read and write management events`;
    return { status: 'FAIL', message: `No qualifying CloudTrail trail: ${why}.`, observed, threshold, resources: trails.map((t) => t.TrailARN) };
  },
});
