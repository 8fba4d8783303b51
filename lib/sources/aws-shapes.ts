/**
 * Turn AWS API / AWS CLI response shapes into snapshot sections. Shared by every source
 * (export directory, live collector), so the same quirks are handled once:
 * - IAM policy documents arrive as JSON objects (the CLI and the SDK's document helpers
 *   decode them) or as RFC 3986 URL-encoded JSON strings (the raw API, some SDKs);
 * - timestamps arrive as ISO strings (CLI v2 default), epoch seconds (CLI v1, e.g.
 *   `get-trail-status`) or `Date` objects (SDK v3);
 * - GetAccountAuthorizationDetails lists managed policies with all their versions: the
 *   snapshot keeps the default version's document only.
 *
 * Every function throws `ShapeError` with a path when the input is not what AWS returns,
 * so a wrong file is reported instead of being half-read.
 */
import { parseStrictIsoDate } from '../support/strict-date';
import {
  AuthorizationDetails,
  GroupDetail,
  ManagedPolicyDetail,
  RoleDetail,
  UserDetail,
  PolicyDocument,
  type EventSelector,
  type AdvancedEventSelector,
  type LogGroup,
  type MetricAlarm,
  type TaggedResource,
  type Trail,
} from '../snapshot';

export class ShapeError extends Error {
  public constructor(
    public readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
    this.name = 'ShapeError';
  }
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Decode a policy document given as an object, a JSON string, or a URL-encoded JSON string. */
export function decodePolicyDocument(value: unknown, path: string): PolicyDocument {
  let doc: unknown = value;
  if (typeof value === 'string') {
    const text = value.trimStart().startsWith('{') ? value : safeDecodeUri(value, path);
    try {
      doc = JSON.parse(text);
    } catch (error) {
      throw new ShapeError(path, `policy document is not valid JSON after URL-decoding (${(error as Error).message})`);
    }
  }
  const parsed = PolicyDocument.safeParse(doc);
  if (!parsed.success) {
    throw new ShapeError(path, `not an IAM policy document: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

function safeDecodeUri(value: string, path: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw new ShapeError(path, 'policy document is a string but neither JSON nor URL-encoded JSON');
  }
}

/** An ISO string for a timestamp given as ISO text, epoch seconds or a Date; undefined stays undefined. */
export function isoTimestamp(value: unknown, path: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number' && Number.isFinite(value)) return new Date(value * 1000).toISOString();
  if (typeof value === 'string') {
    const t = parseStrictIsoDate(value);
    if (t !== undefined) return new Date(t).toISOString();
  }
  throw new ShapeError(path, `expected a timestamp, got ${JSON.stringify(value)}`);
}

/** Accept a list, or a single object where AWS documentation examples show one (it means a list of one). */
function asArray(value: unknown, path: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value;
  if (isObject(value)) return [value];
  throw new ShapeError(path, 'expected a list');
}

function inlinePolicies(value: unknown, path: string): Json[] {
  return asArray(value, path).map((p, i) => {
    if (!isObject(p)) throw new ShapeError(`${path}[${i}]`, 'expected an inline policy object');
    return { ...p, PolicyDocument: decodePolicyDocument(p.PolicyDocument, `${path}[${i}].PolicyDocument`) };
  });
}

function withDates(entity: Json, path: string, keys: string[]): Json {
  const out: Json = { ...entity };
  for (const key of keys) {
    if (out[key] !== undefined) out[key] = isoTimestamp(out[key], `${path}.${key}`);
  }
  return out;
}

/** Validate one item against its schema before keeping it (a failure is a ShapeError naming the field). */
function push(target: Json[], path: string, value: Json, schema: { safeParse(v: unknown): { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } } }): void {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error?.issues[0];
    throw new ShapeError(`${path}${issue?.path.length ? `.${issue.path.map(String).join('.')}` : ''}`, issue?.message ?? 'invalid');
  }
  target.push(value);
}

/**
 * GetAccountAuthorizationDetails output (one merged response, or several pages) →
 * `AuthorizationDetails`. Throws `ShapeError` when a page says it is truncated: a partial
 * list of principals would let the access rules pass over principals they never saw.
 */
export function authorizationDetailsFromAws(pages: unknown[] | unknown, path = 'authorization-details'): AuthorizationDetails {
  const list = Array.isArray(pages) ? pages : [pages];
  const merged = { UserDetailList: [] as Json[], GroupDetailList: [] as Json[], RoleDetailList: [] as Json[], Policies: [] as Json[] };
  const unresolvedItems: { path: string; reason: string }[] = [];
  /** Read one item; a malformed one is recorded and left out instead of discarding the whole response. */
  const item = (path: string, read: () => void): void => {
    try {
      read();
    } catch (error) {
      if (!(error instanceof ShapeError)) throw error;
      unresolvedItems.push({ path, reason: error.message });
    }
  };
  list.forEach((page, n) => {
    const at = list.length > 1 ? `${path}[page ${n + 1}]` : path;
    if (!isObject(page)) throw new ShapeError(at, 'expected the GetAccountAuthorizationDetails response object');
    const last = n === list.length - 1;
    if (last && (page.IsTruncated === true || typeof page.NextToken === 'string')) {
      throw new ShapeError(at, 'the response is truncated (IsTruncated/NextToken present): re-run without --max-items so the CLI fetches every page');
    }
    for (const key of ['UserDetailList', 'GroupDetailList', 'RoleDetailList', 'Policies'] as const) {
      if (page[key] !== undefined && !Array.isArray(page[key])) throw new ShapeError(`${at}.${key}`, 'expected a list');
    }
    if (!['UserDetailList', 'GroupDetailList', 'RoleDetailList', 'Policies'].some((k) => k in page)) {
      throw new ShapeError(at, 'none of UserDetailList, GroupDetailList, RoleDetailList, Policies is present');
    }
    ((page.UserDetailList as unknown[]) ?? []).forEach((u, i) => {
      const p = `${at}.UserDetailList[${i}]`;
      item(p, () => {
      if (!isObject(u)) throw new ShapeError(p, 'expected a user object');
      push(merged.UserDetailList, p, {
        ...withDates(u, p, ['CreateDate']),
        GroupList: asArray(u.GroupList, `${p}.GroupList`),
        AttachedManagedPolicies: asArray(u.AttachedManagedPolicies, `${p}.AttachedManagedPolicies`),
        UserPolicyList: inlinePolicies(u.UserPolicyList, `${p}.UserPolicyList`),
      }, UserDetail);
      });
    });
    ((page.GroupDetailList as unknown[]) ?? []).forEach((g, i) => {
      const p = `${at}.GroupDetailList[${i}]`;
      item(p, () => {
      if (!isObject(g)) throw new ShapeError(p, 'expected a group object');
      push(merged.GroupDetailList, p, {
        ...withDates(g, p, ['CreateDate']),
        AttachedManagedPolicies: asArray(g.AttachedManagedPolicies, `${p}.AttachedManagedPolicies`),
        GroupPolicyList: inlinePolicies(g.GroupPolicyList, `${p}.GroupPolicyList`),
      }, GroupDetail);
      });
    });
    ((page.RoleDetailList as unknown[]) ?? []).forEach((r, i) => {
      const p = `${at}.RoleDetailList[${i}]`;
      item(p, () => {
      if (!isObject(r)) throw new ShapeError(p, 'expected a role object');
      const role: Json = {
        ...withDates(r, p, ['CreateDate']),
        AttachedManagedPolicies: asArray(r.AttachedManagedPolicies, `${p}.AttachedManagedPolicies`),
        RolePolicyList: inlinePolicies(r.RolePolicyList, `${p}.RolePolicyList`),
      };
      if (r.AssumeRolePolicyDocument !== undefined) {
        role.AssumeRolePolicyDocument = decodePolicyDocument(r.AssumeRolePolicyDocument, `${p}.AssumeRolePolicyDocument`);
      }
      if (isObject(r.RoleLastUsed)) role.RoleLastUsed = withDates(r.RoleLastUsed, `${p}.RoleLastUsed`, ['LastUsedDate']);
      // Instance profiles repeat the role (with its trust policy, possibly URL-encoded): not needed by any rule.
      delete role.InstanceProfileList;
      push(merged.RoleDetailList, p, role, RoleDetail);
      });
    });
    ((page.Policies as unknown[]) ?? []).forEach((pol, i) => {
      const p = `${at}.Policies[${i}]`;
      item(p, () => {
      if (!isObject(pol)) throw new ShapeError(p, 'expected a managed policy object');
      const versions = asArray(pol.PolicyVersionList, `${p}.PolicyVersionList`).filter(isObject);
      const def =
        versions.find((v) => v.IsDefaultVersion === true) ??
        versions.find((v) => v.VersionId !== undefined && v.VersionId === pol.DefaultVersionId);
      const document = def?.Document ?? pol.Document;
      if (document === undefined) {
        throw new ShapeError(p, `managed policy ${String(pol.Arn ?? pol.PolicyName)} has no default version document`);
      }
      const { PolicyVersionList: _versions, ...rest } = withDates(pol, p, ['CreateDate', 'UpdateDate']);
      push(merged.Policies, p, { ...rest, Document: decodePolicyDocument(document, `${p}.PolicyVersionList(default).Document`) }, ManagedPolicyDetail);
      });
    });
  });
  const parsed = AuthorizationDetails.safeParse(unresolvedItems.length ? { ...merged, unresolvedItems } : merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ShapeError(`${path}.${issue?.path.join('.') ?? ''}`, issue?.message ?? 'invalid');
  }
  return parsed.data;
}

/**
 * GetTrailStatus fields the API reference types as String although they hold a time or a
 * flag (`LatestDeliveryAttemptTime`, `TimeLoggingStarted`, …): CloudTrail sends `""` when
 * there is none. They are kept as text (an ISO time when they parse as one), never a reason to
 * refuse the whole status.
 */
const TRAIL_STATUS_STRING_FIELDS = new Set([
  'LatestDeliveryAttemptTime',
  'LatestNotificationAttemptTime',
  'LatestDeliveryAttemptSucceeded',
  'LatestNotificationAttemptSucceeded',
  'TimeLoggingStarted',
  'TimeLoggingStopped',
]);

/** GetTrailStatus output → the trail's `Status` (timestamps normalised to ISO; `""` means none and is left out). */
export function trailStatusFromAws(status: unknown, path: string): NonNullable<Trail['Status']> {
  if (!isObject(status) || typeof status.IsLogging !== 'boolean') {
    throw new ShapeError(path, 'expected the get-trail-status response (with IsLogging)');
  }
  const out: Json = {};
  for (const [key, value] of Object.entries(status)) {
    if (key === 'ResponseMetadata' || key === '$metadata' || value === '') continue;
    if (TRAIL_STATUS_STRING_FIELDS.has(key)) {
      if (typeof value !== 'string') throw new ShapeError(`${path}.${key}`, `expected a string, got ${JSON.stringify(value)}`);
      const t = parseStrictIsoDate(value);
      out[key] = t === undefined ? value : new Date(t).toISOString();
    } else out[key] = /Time$/.test(key) ? isoTimestamp(value, `${path}.${key}`) : value;
  }
  return out as NonNullable<Trail['Status']>;
}

/** GetEventSelectors output → `{ EventSelectors?, AdvancedEventSelectors? }`. */
export function eventSelectorsFromAws(
  response: unknown,
  path: string,
): { EventSelectors?: EventSelector[]; AdvancedEventSelectors?: AdvancedEventSelector[] } {
  if (!isObject(response) || (!('EventSelectors' in response) && !('AdvancedEventSelectors' in response))) {
    throw new ShapeError(path, 'expected the get-event-selectors response (EventSelectors or AdvancedEventSelectors)');
  }
  const out: { EventSelectors?: EventSelector[]; AdvancedEventSelectors?: AdvancedEventSelector[] } = {};
  if (Array.isArray(response.EventSelectors)) out.EventSelectors = response.EventSelectors as EventSelector[];
  if (Array.isArray(response.AdvancedEventSelectors)) out.AdvancedEventSelectors = response.AdvancedEventSelectors as AdvancedEventSelector[];
  return out;
}

/** DescribeLogGroups + DescribeMetricFilters → log groups, each with its metric filters. */
export function logGroupsFromAws(logGroups: unknown[], metricFilters: unknown[]): LogGroup[] {
  const filtersByGroup = new Map<string, Json[]>();
  metricFilters.forEach((f, i) => {
    if (!isObject(f) || typeof f.logGroupName !== 'string') {
      throw new ShapeError(`metricFilters[${i}]`, 'expected a metric filter with logGroupName');
    }
    const list = filtersByGroup.get(f.logGroupName) ?? [];
    list.push(f);
    filtersByGroup.set(f.logGroupName, list);
  });
  return logGroups.map((g, i) => {
    if (!isObject(g) || typeof g.logGroupName !== 'string') {
      throw new ShapeError(`logGroups[${i}]`, 'expected a log group with logGroupName');
    }
    return { ...g, metricFilters: filtersByGroup.get(g.logGroupName) ?? [] } as LogGroup;
  });
}

/** DescribeAlarms → metric alarms (composite alarms carry no metric and are not judged). */
export function metricAlarmsFromAws(alarms: unknown[]): MetricAlarm[] {
  return alarms.map((a, i) => {
    if (!isObject(a) || typeof a.AlarmName !== 'string') throw new ShapeError(`MetricAlarms[${i}]`, 'expected an alarm with AlarmName');
    return { ...a, AlarmActions: Array.isArray(a.AlarmActions) ? a.AlarmActions : [] } as MetricAlarm;
  });
}

/** GetResources → tagged resources. */
export function taggedResourcesFromAws(mappings: unknown[]): TaggedResource[] {
  return mappings.map((m, i) => {
    if (!isObject(m) || typeof m.ResourceARN !== 'string') throw new ShapeError(`ResourceTagMappingList[${i}]`, 'expected ResourceARN');
    return { ResourceARN: m.ResourceARN, Tags: Array.isArray(m.Tags) ? m.Tags : [] } as TaggedResource;
  });
}
