/**
 * Shared types of the live collectors: the clients they use, and the context one
 * account's collection threads through every section collector.
 */
import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { GuardDutyClient } from '@aws-sdk/client-guardduty';
import type { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import type { SecurityHubClient } from '@aws-sdk/client-securityhub';
import type { SSOAdminClient } from '@aws-sdk/client-sso-admin';
import type { S3Client } from '@aws-sdk/client-s3';
import type { S3ControlClient } from '@aws-sdk/client-s3-control';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { RDSClient } from '@aws-sdk/client-rds';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { BackupClient } from '@aws-sdk/client-backup';
import type { STSClient } from '@aws-sdk/client-sts';
import type { CollectionError, SectionName } from '../snapshot';
import type { S3LogReader } from './activity';
import type { ApiCallCounter } from './api-calls';

/**
 * The SDK clients one account's collection uses. Regional services are factories:
 * CloudTrail must be asked about a trail in the trail's HOME region, and its log group
 * lives there too. Factories should cache one client per region.
 */
export interface CollectorClients {
  iam: IAMClient;
  sts: STSClient;
  cloudTrail(region: string): CloudTrailClient;
  cloudWatchLogs(region: string): CloudWatchLogsClient;
  cloudWatch(region: string): CloudWatchClient;
  tagging(region: string): ResourceGroupsTaggingAPIClient;
  /** Threat detection and alert routing (second-wave rules). */
  guardDuty(region: string): GuardDutyClient;
  securityHub(region: string): SecurityHubClient;
  eventBridge(region: string): EventBridgeClient;
  /** IAM Identity Center administration (auth.federated-access): instances and permission sets. */
  ssoAdmin(region: string): SSOAdminClient;
  /** S3 bucket settings of the trail buckets (follows region redirects: a bucket may live elsewhere). */
  s3(region: string): S3Client;
  /** Data stores (#17 data.* rules): account-level S3 Block Public Access, DynamoDB, RDS, EBS, AWS Backup. */
  s3Control(region: string): S3ControlClient;
  dynamoDb(region: string): DynamoDBClient;
  rds(region: string): RDSClient;
  ec2(region: string): EC2Client;
  backup(region: string): BackupClient;
  /**
   * CloudTrail client for LookupEvents with no SDK retries (`maxAttempts: 1`): the activity
   * reader paces (≤ 2 calls/s), retries throttles and counts its call budget itself.
   * Absent: `cloudTrail(region)` is used.
   */
  activityCloudTrail?(region: string): CloudTrailClient;
  /** Reads trail log files from S3 for `activity: { source: 's3' }` (CLI only; see activity.ts). */
  s3LogReader?: S3LogReader;
}

/** Tunables of the collection (all have defaults, see `DEFAULT_COLLECT_OPTIONS`). */
export interface CollectOptions {
  /**
   * Tag filters that mark a resource as holding personal data; each filter is one query
   * (the API ANDs filters), values within a filter are ORed. Default matches the
   * `logging.personal-data-events` rule's defaults.
   */
  personalDataTagFilters: Array<{ Key: string; Values?: string[] }>;
  /** Regenerate the credential report when the one IAM holds is older than this. */
  credentialReportMaxAgeMs: number;
  /** Give up waiting for the credential report after this long (→ collection error). */
  credentialReportTimeoutMs: number;
  /** First wait between GenerateCredentialReport polls; doubles up to `credentialReportMaxDelayMs`. */
  credentialReportInitialDelayMs: number;
  credentialReportMaxDelayMs: number;
  /** Page size asked of GetAccountAuthorizationDetails (AWS maximum is 1000, default 100). */
  authorizationDetailsPageSize: number;
  /**
   * Regions whose data stores are read (data.* rules). Absent: every region EC2 DescribeRegions
   * says is enabled for the account (a store in a region nobody looks at is the data.location risk).
   */
  dataStoreRegions?: string[];
}

export const DEFAULT_COLLECT_OPTIONS: CollectOptions = {
  personalDataTagFilters: [{ Key: 'data-classification', Values: ['personal', 'personal-data', 'pii'] }],
  credentialReportMaxAgeMs: 4 * 60 * 60 * 1000,
  credentialReportTimeoutMs: 120_000,
  credentialReportInitialDelayMs: 1_000,
  credentialReportMaxDelayMs: 10_000,
  authorizationDetailsPageSize: 1000,
};

/** What every section collector receives. */
export interface SectionContext {
  clients: CollectorClients;
  /** The region collection runs from (global services, tagging, alarms). */
  region: string;
  options: CollectOptions;
  /** Injectable for tests (fake timers without real waiting). */
  sleep(ms: number): Promise<void>;
  /** Wall clock, injectable. */
  clock(): Date;
  counter: ApiCallCounter;
}

/**
 * A section collector's result: either the value, or the errors that prevented it.
 * Partial problems (one trail's status unreadable) come back as `errors` next to a value.
 */
export interface SectionResult<T> {
  value?: T;
  errors: CollectionError[];
}

export type { SectionName };
