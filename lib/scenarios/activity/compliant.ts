/** A well-run account's day: the same advisers, all ordinary, nothing to flag. */
import type { ActivitySection } from '../../activity/schema';
import { normalAdvisers } from './advisers';
import { aggregateSynthetic, DAY_MS, officeQuarters, seededRandom } from './synthetic';

export function compliantActivity(account: string, now: Date): ActivitySection {
  const start = new Date(now.getTime() - DAY_MS);
  const records = normalAdvisers(account, 40, `jobseeker-documents-${account}`, officeQuarters(start, now), seededRandom(2024_1001));
  return aggregateSynthetic(records, { start, end: now, label: 'scenario:compliant (synthetic CloudTrail)' });
}
