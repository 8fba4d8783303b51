/**
 * The random IAM statement the policy property tests draw from (properties, granting, targets,
 * clause-ids): Allow twice as often as Deny, one or two patterns per clause from the test's own
 * pools (small pools, so statements often repeat a clause), sometimes NotAction / NotResource,
 * sometimes an MFA condition. One definition, so every property test explores the same grammar.
 */
import fc from 'fast-check';
import type { PolicyStatement } from '../../../lib/snapshot';

export const MFA_CONDITION = { Bool: { 'aws:MultiFactorAuthPresent': 'true' } };

export interface StatementPools {
  /** Action patterns a clause picks one or two of. */
  readonly actions: string[];
  /** Resource patterns a clause picks one or two of. */
  readonly resources: string[];
}

export interface StatementOptions {
  /** Only this effect (default: Allow or Deny, Allow twice as likely). */
  readonly effect?: 'Allow' | 'Deny';
  /** One statement in this many is a NotAction (3 or 4; default 3). */
  readonly notActionOneIn?: 3 | 4;
}

export function arbStatementFrom(pools: StatementPools, options: StatementOptions = {}): fc.Arbitrary<PolicyStatement> {
  return fc
    .record({
      effect: options.effect ? fc.constant(options.effect) : fc.constantFrom<'Allow' | 'Deny'>('Allow', 'Allow', 'Deny'),
      actions: fc.subarray(pools.actions, { minLength: 1, maxLength: 2 }),
      notAction: options.notActionOneIn === 4 ? fc.constantFrom(false, false, false, true) : fc.constantFrom(false, false, true),
      resources: fc.subarray(pools.resources, { minLength: 1, maxLength: 2 }),
      notResource: fc.constantFrom(false, false, true),
      conditional: fc.constantFrom(false, false, true),
    })
    .map((r) => ({
      Effect: r.effect,
      ...(r.notAction ? { NotAction: r.actions } : { Action: r.actions }),
      ...(r.notResource ? { NotResource: r.resources } : { Resource: r.resources }),
      ...(r.conditional ? { Condition: MFA_CONDITION } : {}),
    }));
}
