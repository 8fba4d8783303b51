/**
 * Static effective permissions of one principal over the action catalog.
 *
 * What is computed, per action (identity-based policies only):
 * - granted: some unconditional Allow covers it, no unconditional Deny on `*` removes it,
 *   no conditional Deny on `*` may remove it, and the permissions boundary (when set)
 *   allows it unconditionally;
 * - conditional: it may be granted, but only when a Condition holds (a conditional Allow,
 *   a conditional Deny, or a conditional boundary statement stands in the way);
 * - the same two sets restricted to statements whose resource is `*` (or a `NotResource`,
 *   which covers everything but what it lists): "on all resources".
 * A Deny scoped to particular resources does not remove the action: it stays granted on
 * the other resources.
 *
 * Out of scope (said in every output): service control policies, resource control
 * policies, resource-based policies and session policies.
 *
 * Cost: pattern expansion is cached by the catalog; statement masks are cached by their
 * action list; managed policies are cached by identity (resolvePrincipals shares one
 * statement array per managed policy), so 10,000 principals sharing 20,000 policies
 * cost one expansion per distinct policy and a few bitset unions per principal.
 */
import type { NormalizedStatement } from '../policy/document';
import type { Principal } from '../policy/principals';
import { newBitset, orInto, wordsFor, type Bitset } from './bitset';
import type { ActionCatalog } from './catalog';

export const SCOPE_NOTE =
  'Identity-based policies only (inline, managed, group, permissions boundary): service control policies, ' +
  'resource control policies, resource-based policies and session policies are out of scope, so real access may be narrower ' +
  '(SCP/RCP) or wider (resource policies granting this principal).';

/** One policy's statements folded into six masks. `null` = empty (skipped in unions). */
export interface PolicyMasks {
  allow: Bitset | null;
  allowOnAll: Bitset | null;
  conditionalAllow: Bitset | null;
  conditionalAllowOnAll: Bitset | null;
  /** Unconditional Deny on every resource: removes the action. */
  deny: Bitset | null;
  /** Conditional Deny on every resource: the action is at most conditional. */
  conditionalDeny: Bitset | null;
}

export interface EffectivePermissions {
  granted: Bitset;
  conditional: Bitset;
  grantedOnAll: Bitset;
  conditionalOnAll: Bitset;
}

/** True when the statement applies to every resource (`*`, or `NotResource`). */
export function isUnscoped(s: NormalizedStatement): boolean {
  if (s.resources) return s.resources.includes('*');
  return s.notResources !== undefined;
}

/** True when a Deny statement denies on every resource (`Resource: "*"`). */
function deniesEverywhere(s: NormalizedStatement): boolean {
  return s.resources?.includes('*') ?? false;
}

export class BreadthCalculator {
  private readonly statementCache = new Map<string, Bitset>();
  private readonly policyCache = new WeakMap<NormalizedStatement[], PolicyMasks>();
  private readonly words: number;
  // Scratch buffers reused across principals (results are valid until the next call).
  private readonly idAllow: Bitset;
  private readonly idAllowAny: Bitset;
  private readonly idAllowOnAll: Bitset;
  private readonly idAllowAnyOnAll: Bitset;
  private readonly deny: Bitset;
  private readonly conditionalDeny: Bitset;
  private readonly result: EffectivePermissions;

  public constructor(public readonly catalog: ActionCatalog) {
    const n = catalog.size;
    this.words = wordsFor(n);
    this.idAllow = newBitset(n);
    this.idAllowAny = newBitset(n);
    this.idAllowOnAll = newBitset(n);
    this.idAllowAnyOnAll = newBitset(n);
    this.deny = newBitset(n);
    this.conditionalDeny = newBitset(n);
    this.result = { granted: newBitset(n), conditional: newBitset(n), grantedOnAll: newBitset(n), conditionalOnAll: newBitset(n) };
  }

  /** Actions a statement's action clause covers (`NotAction` = catalog minus the listed patterns). */
  public statementActions(s: NormalizedStatement): Bitset {
    const key = s.actions ? `A${s.actions.join('\n')}` : s.notActions ? `N${s.notActions.join('\n')}` : '';
    const cached = this.statementCache.get(key);
    if (cached) return cached;
    let bits: Bitset;
    if (s.actions) {
      bits = s.actions.length === 1 ? this.catalog.expand(s.actions[0]!) : newBitset(this.catalog.size);
      if (s.actions.length > 1) for (const p of s.actions) orInto(bits, this.catalog.expand(p));
    } else if (s.notActions) {
      const listed = newBitset(this.catalog.size);
      for (const p of s.notActions) orInto(listed, this.catalog.expand(p));
      bits = newBitset(this.catalog.size);
      const all = this.catalog.all;
      for (let i = 0; i < bits.length; i++) bits[i] = all[i]! & ~listed[i]!;
    } else {
      bits = newBitset(this.catalog.size);
    }
    this.statementCache.set(key, bits);
    return bits;
  }

  /** Fold a policy's statements into masks (cached per statement array). */
  public policyMasks(statements: NormalizedStatement[]): PolicyMasks {
    const cached = this.policyCache.get(statements);
    if (cached) return cached;
    const masks: PolicyMasks = { allow: null, allowOnAll: null, conditionalAllow: null, conditionalAllowOnAll: null, deny: null, conditionalDeny: null };
    const add = (key: keyof PolicyMasks, bits: Bitset): void => {
      const target = (masks[key] ??= newBitset(this.catalog.size));
      orInto(target, bits);
    };
    for (const s of statements) {
      const bits = this.statementActions(s);
      if (s.effect === 'Allow') {
        add(s.conditional ? 'conditionalAllow' : 'allow', bits);
        if (isUnscoped(s)) add(s.conditional ? 'conditionalAllowOnAll' : 'allowOnAll', bits);
      } else if (deniesEverywhere(s)) {
        add(s.conditional ? 'conditionalDeny' : 'deny', bits);
      }
    }
    this.policyCache.set(statements, masks);
    return masks;
  }

  /**
   * The principal's effective permissions. The returned bitsets are scratch buffers,
   * overwritten by the next call: copy them (`Uint32Array.from`) to keep them.
   */
  public compute(principal: Principal): EffectivePermissions {
    const { idAllow, idAllowAny, idAllowOnAll, idAllowAnyOnAll, deny, conditionalDeny } = this;
    for (const b of [idAllow, idAllowAny, idAllowOnAll, idAllowAnyOnAll, deny, conditionalDeny]) b.fill(0);
    for (const policy of principal.policies) {
      const m = this.policyMasks(policy.statements);
      if (m.allow) {
        orInto(idAllow, m.allow);
        orInto(idAllowAny, m.allow);
      }
      if (m.conditionalAllow) orInto(idAllowAny, m.conditionalAllow);
      if (m.allowOnAll) {
        orInto(idAllowOnAll, m.allowOnAll);
        orInto(idAllowAnyOnAll, m.allowOnAll);
      }
      if (m.conditionalAllowOnAll) orInto(idAllowAnyOnAll, m.conditionalAllowOnAll);
      if (m.deny) orInto(deny, m.deny);
      if (m.conditionalDeny) orInto(conditionalDeny, m.conditionalDeny);
    }
    const b = principal.boundary ? this.policyMasks(principal.boundary) : undefined;
    if (b?.deny) orInto(deny, b.deny);
    if (b?.conditionalDeny) orInto(conditionalDeny, b.conditionalDeny);
    const { granted, conditional, grantedOnAll, conditionalOnAll } = this.result;
    for (let i = 0; i < this.words; i++) {
      // Without a boundary every action passes it unconditionally.
      const bAllow = b ? (b.allow?.[i] ?? 0) : ~0;
      const bAny = b ? bAllow | (b.conditionalAllow?.[i] ?? 0) : ~0;
      const bAllowOnAll = b ? (b.allowOnAll?.[i] ?? 0) : ~0;
      const bAnyOnAll = b ? bAllowOnAll | (b.conditionalAllowOnAll?.[i] ?? 0) : ~0;
      const keep = ~deny[i]!;
      const sure = keep & ~conditionalDeny[i]!;
      const g = idAllow[i]! & bAllow & sure;
      granted[i] = g;
      conditional[i] = idAllowAny[i]! & bAny & keep & ~g;
      const ga = idAllowOnAll[i]! & bAllowOnAll & sure;
      grantedOnAll[i] = ga;
      conditionalOnAll[i] = idAllowAnyOnAll[i]! & bAnyOnAll & keep & ~ga;
    }
    return this.result;
  }
}
