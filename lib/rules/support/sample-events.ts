/**
 * Sample CloudTrail records (the shape of "CloudTrail record contents for management, data, and
 * network activity events", AWS CloudTrail User Guide) that a metric filter must catch to count
 * as watching a kind of event, plus an ordinary successful call it must NOT catch (a pattern
 * that matches everything — the empty pattern — detects nothing in particular).
 *
 * They are fixed data, not account data: rules use them to test a filter's pattern, never to
 * judge the account's activity.
 */
type CloudTrailRecord = Record<string, unknown>;

const base = {
  eventVersion: '1.09',
  eventTime: '2026-01-15T09:12:33Z',
  awsRegion: 'eu-west-3',
  sourceIPAddress: '198.51.100.23',
  userAgent: 'aws-cli/2.15.0',
  requestID: 'EXAMPLE-REQUEST-ID',
  eventID: '3b3a5c2e-0000-4000-8000-000000000001',
  recipientAccountId: '111122223333',
  managementEvent: true,
  readOnly: true,
  eventCategory: 'Management',
};

const assumedRole = {
  type: 'AssumedRole',
  principalId: 'AROAEXAMPLEID:adviser.martin',
  arn: 'arn:aws:sts::111122223333:assumed-role/adviser/adviser.martin',
  accountId: '111122223333',
  accessKeyId: 'ASIAEXAMPLEKEYID',
  sessionContext: { sessionIssuer: { type: 'Role', principalId: 'AROAEXAMPLEID', arn: 'arn:aws:iam::111122223333:role/adviser', accountId: '111122223333', userName: 'adviser' } },
};

/** An ordinary, successful read by an assumed role: a detector must not fire on it. */
export const ORDINARY_CALL: CloudTrailRecord = {
  ...base,
  userIdentity: assumedRole,
  eventSource: 's3.amazonaws.com',
  eventName: 'ListBuckets',
  eventType: 'AwsApiCall',
};

/** Calls refused for lack of permission, as S3/IAM (`AccessDenied`) and EC2 (`Client.UnauthorizedOperation`) record them. */
export const UNAUTHORIZED_CALLS: readonly CloudTrailRecord[] = [
  {
    ...base,
    userIdentity: assumedRole,
    eventSource: 's3.amazonaws.com',
    eventName: 'GetObject',
    eventType: 'AwsApiCall',
    eventCategory: 'Data',
    managementEvent: false,
    errorCode: 'AccessDenied',
    errorMessage: 'Access Denied',
  },
  {
    ...base,
    userIdentity: assumedRole,
    eventSource: 'ec2.amazonaws.com',
    eventName: 'DescribeInstances',
    eventType: 'AwsApiCall',
    errorCode: 'Client.UnauthorizedOperation',
    errorMessage: 'You are not authorized to perform this operation.',
  },
];

/** The root user signing in to the console and calling an API (CIS AWS Foundations "root account usage"). */
export const ROOT_USAGE: readonly CloudTrailRecord[] = [
  {
    ...base,
    awsRegion: 'us-east-1',
    userIdentity: { type: 'Root', principalId: '111122223333', arn: 'arn:aws:iam::111122223333:root', accountId: '111122223333' },
    eventSource: 'signin.amazonaws.com',
    eventName: 'ConsoleLogin',
    eventType: 'AwsConsoleSignIn',
    readOnly: false,
    responseElements: { ConsoleLogin: 'Success' },
    additionalEventData: { LoginTo: 'https://console.aws.amazon.com/console/home', MobileVersion: 'No', MFAUsed: 'No' },
  },
  {
    ...base,
    userIdentity: { type: 'Root', principalId: '111122223333', arn: 'arn:aws:iam::111122223333:root', accountId: '111122223333', accessKeyId: 'AKIAEXAMPLEROOTKEY' },
    eventSource: 'iam.amazonaws.com',
    eventName: 'CreateUser',
    eventType: 'AwsApiCall',
    readOnly: false,
  },
];
