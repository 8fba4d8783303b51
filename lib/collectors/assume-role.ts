/**
 * Credentials of a role in another account, refreshed before they expire so that a long
 * run (an organisation of hundreds of accounts, a slow credential report) never fails
 * half-way with ExpiredToken. A small provider around STS AssumeRole, because
 * @aws-sdk/credential-providers is not a dependency of this project.
 */
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';

export interface AssumedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

export interface AssumeRoleSettings {
  sts: STSClient;
  roleArn: string;
  externalId?: string;
  /** Shown in the member account's CloudTrail as the session name: `art32-<account>`. */
  sessionName: string;
  durationSeconds?: number;
  /** Refresh this long before expiry. */
  refreshMarginMs?: number;
  clock?: () => Date;
}

/** A credential provider (SDK v3 shape) that assumes the role on first use and on near-expiry. */
export function assumeRoleProvider(settings: AssumeRoleSettings): () => Promise<AssumedCredentials> {
  const clock = settings.clock ?? (() => new Date());
  const margin = settings.refreshMarginMs ?? 5 * 60_000;
  let current: AssumedCredentials | undefined;
  let pending: Promise<AssumedCredentials> | undefined;
  return async () => {
    if (current && current.expiration.getTime() - margin > clock().getTime()) return current;
    // One AssumeRole at a time even when many clients ask together.
    pending ??= (async () => {
      try {
        const out = await settings.sts.send(
          new AssumeRoleCommand({
            RoleArn: settings.roleArn,
            RoleSessionName: settings.sessionName,
            DurationSeconds: settings.durationSeconds ?? 3600,
            ...(settings.externalId ? { ExternalId: settings.externalId } : {}),
          }),
        );
        const c = out.Credentials;
        if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
          throw new Error(`AssumeRole ${settings.roleArn} returned no credentials`);
        }
        current = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
        return current;
      } finally {
        pending = undefined;
      }
    })();
    return pending;
  };
}

/** `arn:aws:iam::123456789012:role/x` → `123456789012`. */
export function accountOfRoleArn(arn: string): string | undefined {
  return /^arn:[^:]+:iam::(\d{12}):role\/.+$/.exec(arn)?.[1];
}

/** The partition of an ARN (`aws`, `aws-cn`, `aws-us-gov`). */
export function partitionOf(arn: string): string {
  return /^arn:([^:]+):/.exec(arn)?.[1] ?? 'aws';
}
