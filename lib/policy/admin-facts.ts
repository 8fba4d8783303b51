/**
 * What administrator detection (lib/policy/admin.ts) needs to know about one statement list,
 * as bits. Principal resolution works them out while it normalises each list (its statements
 * are in cache then), so most principals are answered "not admin" without reading their
 * policies again; admin.ts computes them the same way for lists it meets otherwise.
 */
import { statementCoversAllResources, type NormalizedStatement } from './document';

export const ADMINISTRATOR_ACCESS_ARN = 'arn:aws:iam::aws:policy/AdministratorAccess';

/** An Allow of `*` / `*:*` on every resource. */
export const GRANTS_STAR = 1;
/** …at least one of them without a Condition. */
export const GRANTS_STAR_UNCONDITIONALLY = 2;
/** An Allow with `NotAction` on every resource. */
export const NOT_ACTION_ON_ALL = 4;

/** The `GRANTS_STAR` / `GRANTS_STAR_UNCONDITIONALLY` / `NOT_ACTION_ON_ALL` bits of a statement list. */
export function adminFactsOf(statements: readonly NormalizedStatement[]): number {
  let facts = 0;
  for (let i = 0; i < statements.length; i++) {
    const s = statements[i]!;
    if (s.effect !== 'Allow' || !statementCoversAllResources(s)) continue;
    if (s.actions !== undefined && namesEveryAction(s.actions)) {
      facts |= GRANTS_STAR;
      if (!s.conditional) facts |= GRANTS_STAR_UNCONDITIONALLY;
    } else if (s.notActions) {
      facts |= NOT_ACTION_ON_ALL;
    }
  }
  return facts;
}

/** Is `*` or `*:*` among the action patterns? (A loop: this runs for every statement a resolution normalises.) */
function namesEveryAction(actions: readonly string[]): boolean {
  for (let i = 0; i < actions.length; i++) if (actions[i] === '*' || actions[i] === '*:*') return true;
  return false;
}

/** Does a policy with this id and list facts appear in an admin assessment (grants `*` on `*`, is AdministratorAccess, or allows NotAction on `*`)? */
export const namedInAdminAssessment = (id: string, facts: number): boolean => id === ADMINISTRATOR_ACCESS_ARN || (facts & (GRANTS_STAR | NOT_ACTION_ON_ALL)) !== 0;
