/**
 * `fresh-account`: a new account as AWS hands it over. Only the root user, no password
 * policy (IAM answers NoSuchEntity: the AWS default applies), no trail, no alarms, no
 * tagged data. Everything is collected, so what fails here fails for a fact, not for a gap.
 */
import { SNAPSHOT_SCHEMA_VERSION } from '../snapshot';
import { TOOL_VERSION } from '../version';
import { daysAgo, rootRow, type Scenario } from './build';

const ACCOUNT = '777788889999';

export const freshAccount: Scenario = {
  name: 'fresh-account',
  title: 'Brand-new account: root only, nothing configured',
  description:
    'No password policy (the AWS default applies), no CloudTrail trail, no log group or alarm, root without MFA and no IAM user, ' +
    'group or role. Password, root MFA and logging rules fail; user-level rules have nothing to judge.',
  parameters: {},
  snapshot(now) {
    return {
      schemaVersion: SNAPSHOT_SCHEMA_VERSION,
      account: { id: ACCOUNT },
      collectedAt: now.toISOString(),
      source: { kind: 'scenario', name: 'fresh-account', toolVersion: TOOL_VERSION },
      passwordPolicy: null,
      credentialReport: {
        GeneratedTime: daysAgo(now, 0.01),
        rows: [rootRow(now, ACCOUNT, { user_creation_time: daysAgo(now, 2), password_last_used: daysAgo(now, 0.05), mfa_active: false })],
      },
      accountSummary: {
        Users: 0,
        Groups: 0,
        Roles: 0,
        Policies: 0,
        MFADevices: 0,
        MFADevicesInUse: 0,
        AccountMFAEnabled: 0,
        AccountAccessKeysPresent: 0,
        AccountSigningCertificatesPresent: 0,
        UsersQuota: 5000,
        GroupsQuota: 300,
        RolesQuota: 1000,
      },
      virtualMfaDevices: [],
      authorizationDetails: { UserDetailList: [], GroupDetailList: [], RoleDetailList: [], Policies: [] },
      trails: [],
      logGroups: [],
      metricAlarms: [],
      personalDataStores: [],
      // A new account: no data store; EBS encryption by default is off until someone turns it on (AWS's default).
      dataStores: { regions: ['us-east-1'], accountPublicAccessBlock: null, buckets: [], tables: [], databases: [], ebsEncryptionByDefault: { 'us-east-1': false }, publicSnapshots: [], backupProtected: [], unread: [] },
      passwordPolicyChanges: { since: daysAgo(now, 90), events: [] },
      guardDuty: { region: 'us-east-1', detectors: [] },
      securityHub: { region: 'us-east-1', enabled: false },
      eventRules: { region: 'us-east-1', rules: [] },
      samlFederation: { providers: [], roleSessions: [] },
      identityCenter: { regions: ['us-east-1'], instances: [] },
      collectionErrors: [],
    };
  },
};
