/**
 * Per-principal history: the values each metric took for a principal in previous runs,
 * so the rule can compare today with the principal's own habits (not only its peers).
 * Built from earlier activity sections, or from the `metrics` that earlier findings of
 * `monitoring.abnormal-activity` recorded as evidence (the store keeps aggregates only).
 */
import { OUTLIER_METRICS, sectionMetrics, type OutlierMetric, type PrincipalMetrics, type WorkingHours } from './metrics';
import type { ActivitySection } from './schema';

/** principal → metric → values of previous runs (oldest first). */
export type ActivityBaselines = Record<string, Partial<Record<OutlierMetric, number[]>>>;

function addMetrics(baselines: ActivityBaselines, metrics: Iterable<Partial<PrincipalMetrics>>): void {
  for (const m of metrics) {
    if (typeof m.principal !== 'string') continue;
    const entry = (baselines[m.principal] ??= {});
    for (const metric of OUTLIER_METRICS) {
      const value = m[metric];
      if (typeof value === 'number' && Number.isFinite(value)) (entry[metric] ??= []).push(value);
    }
  }
}

/** Baselines from earlier activity sections (oldest first). */
export function baselinesFromSections(sections: readonly ActivitySection[], hours?: WorkingHours): ActivityBaselines {
  const baselines: ActivityBaselines = {};
  for (const section of sections) addMetrics(baselines, sectionMetrics(section, hours));
  return baselines;
}

/**
 * Baselines from the `observed` of earlier `monitoring.abnormal-activity` findings
 * (oldest first): their `metrics` arrays. Findings without metrics (ERROR runs) add nothing.
 */
export function baselinesFromFindings(observed: ReadonlyArray<Record<string, unknown>>): ActivityBaselines {
  const baselines: ActivityBaselines = {};
  for (const o of observed) {
    if (Array.isArray(o.metrics)) addMetrics(baselines, o.metrics as Partial<PrincipalMetrics>[]);
  }
  return baselines;
}
