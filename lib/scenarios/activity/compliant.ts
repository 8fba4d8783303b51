/** A well-run account's day: the same advisers, all ordinary, nothing to flag. */
import type { ActivitySection } from '../../activity/schema';
import { normalAdvisers } from './advisers';
import { aggregateSynthetic, scenarioWindow, seededRandom } from './synthetic';

export function compliantActivity(account: string, now: Date): ActivitySection {
  const { start, end, quarters } = scenarioWindow(now);
  const records = normalAdvisers(account, 40, `jobseeker-documents-${account}`, quarters, seededRandom(2024_1001));
  return aggregateSynthetic(records, { start, end, label: 'scenario:compliant (synthetic CloudTrail)' });
}
