/**
 * API calls per account for live collection, by account size (10 / 1,000 / 10,000 users),
 * against a per-user strategy (GetLoginProfile + ListMFADevices + ListAccessKeys +
 * ListAttachedUserPolicies + ListUserPolicies + ListGroupsForUser per user: 6 calls/user,
 * on top of ListUsers pages). Every AWS API is mocked (aws-sdk-client-mock) at AWS's page
 * sizes: GetAccountAuthorizationDetails at its maximum MaxItems (1,000; the collectors'
 * default), ListUsers at its maximum (1,000). Counts are what the collectors actually sent.
 *
 * Budget (docs/design.md "Budgets"): calls grow with pages, never with users.
 */
import { collectAccount } from '../lib/collectors';
import { HOME, NOW, mockHealthyAccount, mockedAccount, sentOperations } from '../test/unit/collectors/aws-fixtures';

const PER_USER_CALLS = 6;
const LIST_USERS_PAGE = 1000;

/**
 * Operations added for the second-wave rules (#17): they must not grow with users either. The data
 * stores (ec2, s3control, dynamodb, rds, backup, s3) grow with Regions, buckets, tables and manual
 * snapshots: the mocked account has 2 Regions, 2 buckets, 2 tables, 2 manual snapshots.
 */
const SECOND_WAVE = /^(guardduty|securityhub|events|sso|ec2|s3control|dynamodb|rds|backup):|^cloudtrail:(GetInsightSelectors|LookupEvents)$|^iam:(ListSAMLProviders|ListRoles)$|^s3:/;

async function liveCalls(users: number): Promise<{ total: number; authPages: number; secondWave: number }> {
  const m = mockedAccount();
  mockHealthyAccount(m, users);
  const snapshot = await collectAccount({ clients: m.clients, region: HOME, now: NOW, clock: () => NOW, sleep: async () => {} });
  if (snapshot.collectionErrors.length > 0) throw new Error(`bench account had collection errors: ${JSON.stringify(snapshot.collectionErrors)}`);
  const sent = sentOperations(m.all());
  const secondWave = Object.entries(sent).filter(([op]) => SECOND_WAVE.test(op)).reduce((a, [, n]) => a + n, 0);
  return { total: Object.values(sent).reduce((a, b) => a + b, 0), authPages: sent['iam:GetAccountAuthorizationDetails'] ?? 0, secondWave };
}

const rows: string[] = [];
let baseline: number | undefined;
let pagesOnly = true;
for (const users of [10, 1_000, 10_000]) {
  const started = performance.now();
  const { total, authPages, secondWave } = await liveCalls(users);
  const ms = performance.now() - started;
  baseline ??= total - authPages;
  if (total - authPages !== baseline) pagesOnly = false;
  const perUser = Math.ceil(users / LIST_USERS_PAGE) + users * PER_USER_CALLS;
  rows.push(
    `${String(users).padStart(6)} users | art32 ${String(total).padStart(3)} calls (${authPages} authorization-details pages, ${secondWave} second-wave) | per-user ${String(perUser).padStart(6)} calls | ratio ${(perUser / total).toFixed(0).padStart(5)}x | mocked run ${ms.toFixed(0)} ms`,
  );
}
console.log('API calls per account: art32 live collection vs a per-user strategy (6 calls/user)');
for (const row of rows) console.log(row);
console.log(`budget "calls grow with pages only": ${pagesOnly ? 'MET' : 'MISSED'} (non-page calls constant at ${baseline})`);
