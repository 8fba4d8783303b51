/**
 * governance.evidence-continuity — the account's evidence was collected on schedule: no
 * gap between consecutive recorded runs (and up to this run) exceeds `maxGapHours`.
 *
 * Only successful collections count: `previousRunTimes` holds the account's sealed, complete
 * runs that collected something (lib/evidence/run.ts `previousContext`), and this run counts
 * only if it collected something itself. An account that has never been collected — this run
 * could not read it (no section at all: role not assumable, every call refused) and no earlier
 * collection exists — FAILs: it is an expected account with no evidence, not "nothing to judge".
 */
import { z } from 'zod';
import { defineRule } from '../types';
import { REF } from '../support/references';
import { hoursBetween } from '../support/time';
import { SECTION_NAMES, type AccountSnapshot } from '../../snapshot';

/** This run read nothing from the account (no section at all): it is no collection. */
function collectedNothing(snapshot: AccountSnapshot): boolean {
  return SECTION_NAMES.every((section) => (snapshot as Record<string, unknown>)[section] === undefined);
}

export const EvidenceContinuityParameters = z.object({
  /** Longest acceptable gap between two collections (daily schedule + slack). */
  maxGapHours: z.number().positive().default(36),
  /** How far back consecutive runs are checked. */
  lookbackDays: z.number().int().positive().default(30),
});

export default defineRule({
  id: 'governance.evidence-continuity',
  title: 'Evidence is collected without gaps',
  area: 'governance',
  severity: 'medium',
  rationale:
    'GDPR Art. 32(1)(d) requires a process for regularly testing and evaluating the measures, and Art. 5(2) and 24(1) that the ' +
    'controller can demonstrate them and reviews them; the CNIL security guide (fiche 1) recommends checking periodically that ' +
    'the measures are effective. A day without evidence is a day the controller cannot show its controls held: a missed ' +
    'collection must be visible.',
  remediation: {
    console: 'EventBridge Scheduler console → art32 daily schedule: check it is enabled; Step Functions console → failed executions; the dead-letter queue.',
    cli: 'aws scheduler get-schedule --name <art32 schedule>; aws stepfunctions list-executions --state-machine-arn <arn> --status-filter FAILED; then re-run: node bin/art32.mjs collect',
  },
  references: [REF.gdpr32_1_d, REF.gdpr5_2, REF.gdpr24_1, REF.cnilGuide1],
  sections: [],
  parameters: EvidenceContinuityParameters,
  evaluate(snapshot, params, context) {
    const previous = context.previousRunTimes;
    const failedNow = collectedNothing(snapshot);
    if ((!previous || previous.length === 0) && failedNow) {
      const cause = snapshot.collectionErrors?.[0];
      return {
        status: 'FAIL',
        message: `This account has never been collected: this run could not read it${cause ? ` (${cause.operation}: ${cause.code})` : ''} and no earlier collection is recorded.`,
        observed: { previousRuns: 0, thisRunCollected: false },
        threshold: params,
        resources: [`arn:aws:iam::${snapshot.account.id}:root`],
      };
    }
    if (!previous || previous.length === 0) {
      return {
        status: 'NOT_APPLICABLE',
        message: 'No previous run recorded for this account: continuity starts with this run.',
        observed: { previousRuns: 0 },
        threshold: params,
        resources: [],
      };
    }
    const now = new Date(snapshot.collectedAt);
    const since = now.getTime() - params.lookbackDays * 86_400_000;
    const times = [...previous]
      .map((t) => new Date(t))
      .filter((d) => {
        if (Number.isNaN(d.getTime())) throw new Error(`previousRunTimes holds an invalid date: cannot judge continuity`);
        return d.getTime() <= now.getTime();
      })
      .sort((a, b) => a.getTime() - b.getTime());
    // Runs inside the window, plus the last one before it: a gap that overlaps the window
    // (ends after its start) counts with its full length, one that ended before it does not.
    const firstInWindow = times.findIndex((d) => d.getTime() >= since);
    const window = firstInWindow === -1 ? times.slice(-1) : times.slice(Math.max(0, firstInWindow - 1));
    const points = [...window, now];
    const gaps: { from: string; to: string; hours: number }[] = [];
    for (let i = 1; i < points.length; i += 1) {
      const hours = hoursBetween(points[i - 1]!, points[i]!);
      if (hours > params.maxGapHours && points[i]!.getTime() > since)
        gaps.push({ from: points[i - 1]!.toISOString(), to: points[i]!.toISOString(), hours });
    }
    const latest = times[times.length - 1];
    const observed = {
      previousRuns: times.length,
      thisRunCollected: !failedNow,
      runsInWindow: window.length,
      latestPreviousRun: latest?.toISOString() ?? null,
      hoursSinceLatest: latest ? hoursBetween(latest, now) : null,
      gaps,
    };
    if (gaps.length > 0) {
      const worst = gaps.reduce((a, b) => (b.hours > a.hours ? b : a));
      return {
        status: 'FAIL',
        message: `${failedNow ? 'This run collected nothing; ' : ''}${gaps.length} gap(s) over ${params.maxGapHours} h in the last ${params.lookbackDays} days; longest ${worst.hours} h (${worst.from} → ${worst.to}).`,
        observed,
        threshold: params,
        resources: [`arn:aws:iam::${snapshot.account.id}:root`],
      };
    }
    return {
      status: 'PASS',
      message: `No gap over ${params.maxGapHours} h between collections in the last ${params.lookbackDays} days${failedNow ? ' (this run collected nothing: the gap since the latest collection is still within the limit)' : ''}.`,
      observed,
      threshold: params,
      resources: [],
    };
  },
});
