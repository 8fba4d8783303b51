/** The run's account list in the work bucket: written once, read back only if it is what ListAccounts wrote. */
import { describe, expect, it } from 'vitest';
import { readAccountList, writeAccountList } from '../../../lib/run/account-list';
import { S3Buckets } from '../../integration/activity/s3-buckets';

const WORK = 'art32-work';

describe('account list (lib/run/account-list.ts)', () => {
  it('round-trips through S3; the reference is ≈ 100 B whatever the number of accounts', async () => {
    const s3 = new S3Buckets();
    s3.add(WORK, '999999999999');
    const ids = Array.from({ length: 20_000 }, (_, i) => String(100_000_000_000 + i));
    const ref = await writeAccountList(s3.client, WORK, 'daily-1', ids);
    expect(ref).toEqual({ bucket: WORK, key: 'accounts/daily-1.json', count: 20_000 });
    expect(JSON.stringify(ref).length).toBeLessThan(100);
    expect(await readAccountList(s3.client, ref)).toEqual(ids);
  });

  it('refuses an object that is not the list written (count, shape, JSON), naming it; a missing one is NoSuchKey', async () => {
    const s3 = new S3Buckets();
    const bucket = s3.add(WORK, '999999999999');
    const ref = await writeAccountList(s3.client, WORK, 'daily-1', ['111122223333', '444455556666']);
    await expect(readAccountList(s3.client, { ...ref, count: 3 })).rejects.toThrow('s3://art32-work/accounts/daily-1.json holds 2 accounts, the run listed 3');
    bucket.objects.set(ref.key, Buffer.from('["111122223333","12"]'));
    await expect(readAccountList(s3.client, ref)).rejects.toThrow('is not an array of 12-digit account ids');
    bucket.objects.set(ref.key, Buffer.from('{"truncated'));
    await expect(readAccountList(s3.client, ref)).rejects.toThrow('s3://art32-work/accounts/daily-1.json is not JSON');
    await expect(readAccountList(s3.client, { ...ref, key: 'accounts/other.json' })).rejects.toMatchObject({ name: 'NoSuchKey' });
  });
});
