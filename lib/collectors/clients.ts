/**
 * Building the SDK clients for one account: one region-keyed cache per regional service,
 * the SDK's adaptive retry mode (client-side rate limiting once throttled) with a
 * configurable attempt ceiling, and the API-call counter on every client.
 *
 * Credentials: explicit ones (e.g. an assumed role), else the named `profile`, else the
 * SDK's default chain (env vars, AWS_PROFILE, SSO, instance/task role…). Endpoints:
 * the SDK itself honours AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE>.
 */
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { IAMClient, type IAMClientConfig } from '@aws-sdk/client-iam';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { GuardDutyClient } from '@aws-sdk/client-guardduty';
import { SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { S3Client } from '@aws-sdk/client-s3';
import { S3ControlClient } from '@aws-sdk/client-s3-control';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { RDSClient } from '@aws-sdk/client-rds';
import { EC2Client } from '@aws-sdk/client-ec2';
import { BackupClient } from '@aws-sdk/client-backup';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { STSClient } from '@aws-sdk/client-sts';
import { attachApiCallCounter, type ApiCallCounter } from './api-calls';
import type { CollectorClients } from './types';

export type Credentials = IAMClientConfig['credentials'];

/** Default attempt ceiling per call (first try + retries), for the SDK's adaptive mode. */
export const DEFAULT_MAX_ATTEMPTS = 6;

export interface ClientSettings {
  /** Region for global services' signing and for regional calls with no better region. */
  region: string;
  credentials?: Credentials;
  profile?: string;
  maxAttempts?: number;
  counter?: ApiCallCounter;
}

/** The config every client shares. */
export function baseClientConfig(settings: ClientSettings, region = settings.region) {
  return {
    region,
    retryMode: 'adaptive',
    maxAttempts: settings.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    ...(settings.credentials ? { credentials: settings.credentials } : {}),
    ...(settings.profile && !settings.credentials ? { profile: settings.profile } : {}),
  };
}

export function createCollectorClients(settings: ClientSettings): CollectorClients {
  const counted = <C extends { middlewareStack: unknown }>(client: C): C =>
    settings.counter ? attachApiCallCounter(client as C & { middlewareStack: object }, settings.counter) : client;
  const perRegion = <C extends { middlewareStack: unknown }>(make: (region: string) => C) => {
    const cache = new Map<string, C>();
    return (region: string): C => {
      let client = cache.get(region);
      if (!client) {
        client = counted(make(region));
        cache.set(region, client);
      }
      return client;
    };
  };
  return {
    iam: counted(new IAMClient(baseClientConfig(settings))),
    sts: counted(new STSClient(baseClientConfig(settings))),
    cloudTrail: perRegion((r) => new CloudTrailClient(baseClientConfig(settings, r))),
    // No SDK retries for LookupEvents: the activity reader paces and retries itself (see activity.ts).
    activityCloudTrail: perRegion((r) => new CloudTrailClient({ ...baseClientConfig(settings, r), retryMode: 'standard', maxAttempts: 1 })),
    cloudWatchLogs: perRegion((r) => new CloudWatchLogsClient(baseClientConfig(settings, r))),
    cloudWatch: perRegion((r) => new CloudWatchClient(baseClientConfig(settings, r))),
    tagging: perRegion((r) => new ResourceGroupsTaggingAPIClient(baseClientConfig(settings, r))),
    guardDuty: perRegion((r) => new GuardDutyClient(baseClientConfig(settings, r))),
    securityHub: perRegion((r) => new SecurityHubClient(baseClientConfig(settings, r))),
    eventBridge: perRegion((r) => new EventBridgeClient(baseClientConfig(settings, r))),
    ssoAdmin: perRegion((r) => new SSOAdminClient(baseClientConfig(settings, r))),
    s3: perRegion((r) => new S3Client({ ...baseClientConfig(settings, r), followRegionRedirects: true })),
    s3Control: perRegion((r) => new S3ControlClient(baseClientConfig(settings, r))),
    dynamoDb: perRegion((r) => new DynamoDBClient(baseClientConfig(settings, r))),
    rds: perRegion((r) => new RDSClient(baseClientConfig(settings, r))),
    ec2: perRegion((r) => new EC2Client(baseClientConfig(settings, r))),
    backup: perRegion((r) => new BackupClient(baseClientConfig(settings, r))),
  };
}
