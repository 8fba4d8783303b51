/**
 * The `art32 breadth` ranking of one account: pure data and renderers (table, CSV), so
 * the CLI stays a thin shell and the output is testable.
 */
import type { AccountSnapshot, AuthorizationDetails } from '../snapshot';
import { accountOutliers, analyzeBreadth, type OutlierOptions, type PrincipalBreadth } from './analyze';
import { escalationGrants } from './escalation';
import type { Distribution } from './metrics';
import { allowListed } from '../policy/principals';
import { csvField, terminalText } from '../support/sanitize';

export interface RankedPrincipal {
  rank: number;
  principal: string;
  arn: string;
  actions: number;
  unconditional: number;
  conditional: number;
  services: number;
  sharePercent: number;
  onAllResources: number;
  dataReadOnAll: number;
  permissionsManagementOnAll: number;
  byLevel: PrincipalBreadth['byLevel'];
  zScore?: number;
  outlier: boolean;
  allowListed: boolean;
  usage: PrincipalBreadth['usage'];
  idleDays?: number;
  escalations: { path: string; actions: string[]; policies: string[]; unconditional: boolean; scopedPassRole?: string[] }[];
  unresolvedPolicies: string[];
}

export interface BreadthRanking {
  account: string;
  collectedAt: string;
  catalog: { source: string; version: string; updatedAt?: string; actions: number };
  scope: string;
  distribution: Distribution;
  /** Non-admin principals (service-linked roles excluded), broadest first: the first `top`, then every other one with an escalation path. */
  principals: RankedPrincipal[];
  /** The `--top` asked for (absent: every row is in the top). */
  top?: number;
  /** How many non-admin principals there were before the cut. */
  totalPrincipals: number;
  /** Administrators: judged by access.admin-principals, listed here for completeness. */
  admins: { principal: string; actions: number }[];
  serviceLinkedRoles: number;
}

export interface RankingOptions extends OutlierOptions {
  top: number;
  allowList: readonly string[];
}

export function rankBreadth(snapshot: AccountSnapshot & { authorizationDetails: AuthorizationDetails }, options: RankingOptions): BreadthRanking {
  const analysis = analyzeBreadth(snapshot);
  const listed = (p: PrincipalBreadth): boolean => allowListed(options.allowList, p.name, p.arn);
  const { distribution, outliers } = accountOutliers(analysis.principals.filter((p) => !listed(p)), options);
  const z = new Map(outliers.map((o) => [o.key, o.zScore]));
  const ranked = analysis.principals.filter((p) => !p.admin && !p.serviceLinked);
  return {
    account: snapshot.account.id,
    collectedAt: snapshot.collectedAt,
    catalog: analysis.catalog,
    scope: analysis.scope,
    distribution,
    totalPrincipals: ranked.length,
    top: options.top,
    // The top N by breadth, then every other principal with an escalation path: a path is a
    // finding whatever the principal's rank, so no cut may hide one.
    principals: ranked
      .map((p, i) => ({ p, rank: i + 1 }))
      .filter(({ p, rank }) => rank <= options.top || p.escalations.length > 0)
      .map(({ p, rank }) => ({
        rank,
        principal: p.key,
        arn: p.arn,
        actions: p.total,
        unconditional: p.unconditional,
        conditional: p.conditional,
        services: p.services,
        sharePercent: Math.round(p.share * 10_000) / 100,
        onAllResources: p.onAllResources,
        dataReadOnAll: p.dataReadOnAll.length,
        permissionsManagementOnAll: p.permissionsManagementOnAll,
        byLevel: p.byLevel,
        ...(z.has(p.key) ? { zScore: z.get(p.key) } : {}),
        outlier: z.has(p.key),
        allowListed: listed(p),
        usage: p.usage,
        ...(p.idleDays !== undefined ? { idleDays: p.idleDays } : {}),
        escalations: p.escalations.map((e) => ({
          path: e.path,
          ...escalationGrants(e),
          unconditional: e.unconditional,
          ...(e.scopedPassRole ? { scopedPassRole: e.scopedPassRole } : {}),
        })),
        unresolvedPolicies: p.unresolvedPolicies,
      })),
    admins: analysis.principals.filter((p) => p.admin).map((p) => ({ principal: p.key, actions: p.total })),
    serviceLinkedRoles: analysis.principals.filter((p) => p.serviceLinked).length,
  };
}

const COLUMNS = ['#', 'principal', 'actions', 'cond', 'services', '% catalog', 'on *', 'data-read *', 'perm-mgmt *', 'z', 'escalation', 'last used'] as const;

function cells(p: RankedPrincipal): string[] {
  const flags = [p.outlier ? 'outlier' : '', p.allowListed ? 'allow-listed' : '', p.unresolvedPolicies.length ? 'incomplete' : ''].filter(Boolean);
  return [
    String(p.rank),
    terminalText(p.principal) + (flags.length ? ` (${flags.join(', ')})` : ''),
    String(p.actions),
    String(p.conditional),
    String(p.services),
    p.sharePercent.toFixed(2),
    String(p.onAllResources),
    String(p.dataReadOnAll),
    String(p.permissionsManagementOnAll),
    p.zScore === undefined ? '' : p.zScore.toFixed(1),
    p.escalations.map((e) => e.path).join(' ') || '-',
    p.usage === 'used' ? `${p.idleDays ?? '?'}d ago` : p.usage,
  ];
}

/** How many rows are the top N by breadth (rows after them are shown for their escalation paths). */
function topShown(r: BreadthRanking): number {
  return r.top === undefined ? r.principals.length : r.principals.filter((p) => p.rank <= r.top!).length;
}

export function renderTable(r: BreadthRanking): string {
  const rows = [COLUMNS.map(String), ...r.principals.map(cells)];
  const widths = COLUMNS.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const line = (row: string[]) => row.map((c, i) => (i === 1 || i >= 10 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  const out = [
    `Account ${terminalText(r.account)} at ${terminalText(r.collectedAt)} — permission breadth of ${r.totalPrincipals} non-admin principals` +
      (r.principals.length < r.totalPrincipals ? ` (top ${topShown(r)}${r.principals.length > topShown(r) ? `, and ${r.principals.length - topShown(r)} more with escalation paths` : ''})` : ''),
    `Median ${r.distribution.median}, p90 ${r.distribution.p90}, max ${r.distribution.max} distinct actions of ${r.catalog.actions} ` +
      `(catalog ${r.catalog.source} ${r.catalog.version}).`,
    '',
    line(rows[0]!),
    ...rows.slice(1).map(line),
  ];
  const withPaths = r.principals.filter((p) => p.escalations.length);
  if (withPaths.length) {
    out.push('', 'Privilege-escalation paths:');
    for (const p of withPaths) {
      for (const e of p.escalations) out.push(`  ${terminalText(p.principal)}: ${e.path} — ${terminalText(e.actions.join(' + '))} via ${terminalText(e.policies.join(', '))}${e.scopedPassRole ? ` (PassRole limited to ${terminalText(e.scopedPassRole.join(', '))})` : e.unconditional ? '' : ' (conditional)'}`);
    }
  }
  if (r.admins.length) out.push('', `Administrators (judged by access.admin-principals): ${r.admins.map((a) => terminalText(a.principal)).join(', ')}.`);
  if (r.serviceLinkedRoles) out.push(`${r.serviceLinkedRoles} AWS service-linked roles not ranked.`);
  out.push('', `Scope: ${r.scope}`);
  return `${out.join('\n')}\n`;
}

export function renderCsv(rankings: BreadthRanking[]): string {
  const header = ['account', 'rank', 'principal', 'arn', 'actions', 'unconditional', 'conditional', 'services', 'share_percent', 'on_all_resources', 'data_read_on_all', 'permissions_management_on_all', 'z_score', 'outlier', 'allow_listed', 'escalation_paths', 'usage', 'idle_days', 'catalog_version'];
  const lines = [header.join(',')];
  for (const r of rankings) {
    for (const p of r.principals) {
      lines.push(
        [r.account, p.rank, p.principal, p.arn, p.actions, p.unconditional, p.conditional, p.services, p.sharePercent, p.onAllResources, p.dataReadOnAll, p.permissionsManagementOnAll, p.zScore ?? '', p.outlier, p.allowListed, p.escalations.map((e) => e.path).join(' '), p.usage, p.idleDays ?? '', r.catalog.version]
          .map(csvField)
          .join(','),
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
