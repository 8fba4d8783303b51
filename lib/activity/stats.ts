/**
 * Robust statistics for outliers: median and MAD, and the modified z-score of Iglewicz and
 * Hoaglin (1993), M = 0.6745 (x − median) / MAD, with |M| > 3.5 as the usual outlier
 * cut. Unlike mean and standard deviation, one extreme value cannot hide itself by
 * inflating the spread.
 */

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export interface RobustBaseline {
  median: number;
  /** Median absolute deviation. */
  mad: number;
  /** Mean absolute deviation, the fallback scale when more than half the values are equal (MAD = 0). */
  meanAbsoluteDeviation: number;
  n: number;
}

export function robustBaseline(values: readonly number[]): RobustBaseline {
  const m = median(values);
  const deviations = values.map((v) => Math.abs(v - m));
  const meanAD = deviations.length ? deviations.reduce((a, b) => a + b, 0) / deviations.length : NaN;
  return { median: m, mad: median(deviations), meanAbsoluteDeviation: meanAD, n: values.length };
}

/**
 * Modified z-score of `x` against a baseline. When MAD is 0 the mean absolute deviation
 * is used (scaled by 1.253314 so both estimate σ for normal data); when both are 0 every
 * value is equal, so any larger value is infinitely far and an equal one is 0.
 */
export function modifiedZScore(x: number, baseline: RobustBaseline): number {
  const diff = x - baseline.median;
  if (baseline.mad > 0) return (0.6745 * diff) / baseline.mad;
  if (baseline.meanAbsoluteDeviation > 0) return diff / (1.253314 * baseline.meanAbsoluteDeviation);
  return diff === 0 ? 0 : diff > 0 ? Infinity : -Infinity;
}
