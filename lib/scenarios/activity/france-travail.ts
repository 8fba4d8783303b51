/**
 * France Travail's activity, as the CNIL described it (SAN-2026-003): among ordinary
 * advisers, one account hits 69% errors (AccessDenied: probing files it may not read) and
 * another extracts about 9 GB in a day (≈13M records of ~700 bytes) through S3 GetObject
 * data events — and nothing raised an alert.
 *
 * The bulk reader's 9 GB arrive as 2,000 GetObject events of ~4.5 MB (export files), a
 * representative stream that keeps the scenario fast to build.
 */
import type { ActivitySection } from '../../activity/schema';
import { adviser, normalAdvisers } from './advisers';
import { aggregateSynthetic, s3GetObject, scenarioWindow, seededRandom, type SyntheticRecord } from './synthetic';

/** The scenario's personal-data bucket (tagged `data-classification=personal`, no data events on the trail). */
const DOCUMENTS_BUCKET = 'jobseeker-documents';

export function franceTravailActivity(account: string, now: Date): ActivitySection {
  const { start, end, quarters } = scenarioWindow(now);
  const random = seededRandom(2026_0122);
  const records: SyntheticRecord[] = normalAdvisers(account, 40, DOCUMENTS_BUCKET, quarters, random);
  const at = (): number => (quarters[Math.floor(random() * quarters.length)] as number) + Math.floor(random() * 900_000);

  if (quarters.length > 0) {
    // 1,000 calls, exactly 690 denied: an account trying one file after another.
    const prober = adviser(account, 41);
    for (let i = 0; i < 1000; i++) {
      const denied = i % 100 < 69;
      records.push(s3GetObject(prober, at(), DOCUMENTS_BUCKET, `dossiers/${i % 97}/piece-${i}.pdf`, denied ? 0 : 60_000, random, denied ? 'AccessDenied' : undefined));
    }
    // 2,000 export files of ~4.5 MB: ≈ 9 GB read in the day.
    const extractor = adviser(account, 42);
    for (let i = 0; i < 2000; i++) {
      records.push(s3GetObject(extractor, at(), DOCUMENTS_BUCKET, `exports/region-${i % 13}/batch-${i}.csv`, 4_400_000 + Math.floor(random() * 200_000), random));
    }
  }
  return aggregateSynthetic(records, { start, end, label: 'scenario:france-travail (synthetic CloudTrail)' });
}
