/**
 * auth.password-strength — the IAM password policy meets CNIL délibération 2022-100.
 *
 * The policy's guaranteed entropy is `MinimumPasswordLength × log2(alphabet)`, where the
 * alphabet is the union of the character classes IAM *requires* (lower 26, upper 26,
 * digits 10, symbols 32). The CNIL's own examples are not all ≥ 80 bits by that formula
 * (12 chars × 94 symbols = 78.7 bits), so its explicit combinations are accepted as well.
 */
import { z } from 'zod';
import { requireSection, type PasswordPolicy } from '../../snapshot';
import { defineRule } from '../types';
import { REF } from '../support/references';
import { AWS_DEFAULT_PASSWORD_POLICY } from './password-policy-present';

export const CHARACTER_CLASSES = {
  lowercase: 26,
  uppercase: 26,
  digits: 10,
  symbols: 32,
} as const;
export type CharacterClass = keyof typeof CHARACTER_CLASSES;

export const CompensatingControl = z.enum(['none', 'lockout', 'captcha', 'time-delay']);
export type CompensatingControl = z.infer<typeof CompensatingControl>;

export const PasswordStrengthParameters = z.object({
  /** Entropy a password used alone must reach (CNIL: 80 bits). */
  minimumEntropyBits: z.number().positive().default(80),
  /**
   * A restriction of access declared by the controller (IAM itself has no lockout, captcha
   * or delay, so the default is 'none'; an identity provider in front of the console may).
   */
  compensatingControl: CompensatingControl.default('none'),
  /** Failures before blocking, when `compensatingControl` is 'lockout' (CNIL: ≤ 10). */
  lockoutThreshold: z.number().int().positive().nullable().default(null),
  /** Entropy required with a restricted access (CNIL: 50 bits). */
  restrictedAccessMinimumEntropyBits: z.number().positive().default(50),
  /** Most failures a lockout may allow to count as restricted access (CNIL: 10). */
  maximumLockoutThreshold: z.number().int().positive().default(10),
});
export type PasswordStrengthParameters = z.infer<typeof PasswordStrengthParameters>;

export function requiredClasses(policy: PasswordPolicy): CharacterClass[] {
  const out: CharacterClass[] = [];
  if (policy.RequireLowercaseCharacters) out.push('lowercase');
  if (policy.RequireUppercaseCharacters) out.push('uppercase');
  if (policy.RequireNumbers) out.push('digits');
  if (policy.RequireSymbols) out.push('symbols');
  return out;
}

/**
 * Size of the alphabet the policy guarantees. With no class required a user may type
 * digits only, so the guaranteed alphabet is the smallest class (10).
 */
export function alphabetSize(classes: readonly CharacterClass[]): number {
  if (classes.length === 0) return CHARACTER_CLASSES.digits;
  return classes.reduce((n, c) => n + CHARACTER_CLASSES[c], 0);
}

export const entropyBits = (length: number, alphabet: number): number => Math.round(length * Math.log2(alphabet) * 10) / 10;

export interface StrengthVerdict {
  pass: boolean;
  /** Which CNIL case made it pass, or why it failed. */
  basis: string;
  restrictedAccess: boolean;
}

/** The CNIL 2022-100 judgement of one (length, classes) pair under the parameters. */
export function judgePasswordStrength(length: number, classes: readonly CharacterClass[], p: PasswordStrengthParameters): StrengthVerdict {
  const has = (c: CharacterClass): boolean => classes.includes(c);
  const bits = entropyBits(length, alphabetSize(classes));
  const restrictedAccess =
    p.compensatingControl === 'captcha' ||
    p.compensatingControl === 'time-delay' ||
    (p.compensatingControl === 'lockout' && p.lockoutThreshold !== null && p.lockoutThreshold <= p.maximumLockoutThreshold);

  if (length >= 12 && classes.length === 4) return { pass: true, basis: '≥ 12 characters with all 4 classes (CNIL case 1)', restrictedAccess };
  if (length >= 14 && has('uppercase') && has('lowercase') && has('digits'))
    return { pass: true, basis: '≥ 14 characters with upper, lower and digits (CNIL case 1)', restrictedAccess };
  if (bits >= p.minimumEntropyBits) return { pass: true, basis: `${bits} bits ≥ ${p.minimumEntropyBits} bits`, restrictedAccess };
  if (restrictedAccess) {
    if (length >= 8 && classes.length >= 3)
      return { pass: true, basis: `≥ 8 characters with ≥ 3 classes and a declared ${p.compensatingControl} (CNIL case 2)`, restrictedAccess };
    if (bits >= p.restrictedAccessMinimumEntropyBits)
      return { pass: true, basis: `${bits} bits ≥ ${p.restrictedAccessMinimumEntropyBits} bits with a declared ${p.compensatingControl}`, restrictedAccess };
    return { pass: false, basis: `${bits} bits < ${p.restrictedAccessMinimumEntropyBits} bits even with restricted access`, restrictedAccess };
  }
  return { pass: false, basis: `${bits} bits < ${p.minimumEntropyBits} bits and no CNIL combination met`, restrictedAccess };
}

function controlNote(p: PasswordStrengthParameters): string {
  if (p.compensatingControl === 'lockout' && (p.lockoutThreshold === null || p.lockoutThreshold > p.maximumLockoutThreshold))
    return `declared lockout ${p.lockoutThreshold === null ? 'without a threshold' : `after ${p.lockoutThreshold} failures`} is not a restricted access (CNIL: blocking after ≤ ${p.maximumLockoutThreshold} failures)`;
  if (p.compensatingControl === 'none') return 'no compensating control declared (IAM has no lockout, captcha or delay of its own)';
  return `declared compensating control: ${p.compensatingControl}${p.lockoutThreshold !== null ? ` after ${p.lockoutThreshold} failures` : ''}`;
}

const PASSPHRASE_NOTE =
  'The CNIL\'s 7-word passphrase case cannot be enforced through IAM (it has no word-count rule), so it is never assumed.';

export default defineRule({
  id: 'auth.password-strength',
  title: 'Password policy meets CNIL délibération 2022-100',
  area: 'auth',
  severity: 'high',
  rationale:
    'The CNIL requires ≥ 80 bits of entropy for a password used alone (12 characters with upper, lower, digits and symbols, or 14 ' +
    'with upper, lower and digits), or ≥ 50 bits when access is restricted by a time-delay, a captcha or blocking after ≤ 10 ' +
    'failures (e.g. 8 characters of 3 classes). IAM itself offers none of these restrictions. France Travail was fined for ' +
    '8-character passwords with lockout only after 50 attempts. ' + PASSPHRASE_NOTE +
    ' Forced periodic expiry for ordinary users is reported but not required (the CNIL advises against it).',
  remediation: {
    console: 'IAM console → Account settings → Password policy → Edit: minimum length 12 with all four character types, or 14 with upper, lower and digits.',
    cli:
      'aws iam update-account-password-policy --minimum-password-length 14 --require-uppercase-characters ' +
      '--require-lowercase-characters --require-numbers --require-symbols --allow-users-to-change-password',
  },
  references: [REF.cnil2022_100, REF.gdpr32_1_b, REF.cnilSan2026_003],
  sections: ['passwordPolicy'],
  parameters: PasswordStrengthParameters,
  evaluate(snapshot, params) {
    const policy = requireSection(snapshot, 'passwordPolicy');
    const threshold = {
      ...params,
      passingCombinations: ['≥ 12 characters with 4 classes', '≥ 14 characters with upper+lower+digits', `≥ ${params.minimumEntropyBits} bits`],
    };
    if (policy === null) {
      const bits = entropyBits(AWS_DEFAULT_PASSWORD_POLICY.MinimumPasswordLength, 62);
      return {
        status: 'FAIL',
        message: `No password policy: the AWS default (8 characters, 3 of 4 character types, ≈ ${bits} bits at worst) is neither chosen nor documented by the account.`,
        observed: { passwordPolicy: null, awsDefault: AWS_DEFAULT_PASSWORD_POLICY, entropyBits: bits, note: PASSPHRASE_NOTE },
        threshold,
        resources: [`arn:aws:iam::${snapshot.account.id}:root`],
      };
    }
    // IAM's own minimum when the field is absent is 6 characters (UpdateAccountPasswordPolicy default).
    const length = policy.MinimumPasswordLength ?? 6;
    const classes = requiredClasses(policy);
    const alphabet = alphabetSize(classes);
    const bits = entropyBits(length, alphabet);
    const verdict = judgePasswordStrength(length, classes, params);
    const expiry =
      policy.ExpirePasswords || (policy.MaxPasswordAge ?? 0) > 0
        ? `passwords expire after ${policy.MaxPasswordAge} days: the CNIL advises against forced periodic renewal for ordinary users (administrators excepted)`
        : 'no forced periodic expiry';
    return {
      status: verdict.pass ? 'PASS' : 'FAIL',
      message: `Minimum ${length} characters, required classes [${classes.join(', ') || 'none'}], ${bits} bits: ${verdict.pass ? 'meets' : 'below'} CNIL 2022-100 (${verdict.basis}).`,
      observed: {
        MinimumPasswordLength: length,
        requiredClasses: classes,
        alphabetSize: alphabet,
        entropyBits: bits,
        basis: verdict.basis,
        restrictedAccess: verdict.restrictedAccess,
        compensatingControl: controlNote(params),
        expiry,
        note: PASSPHRASE_NOTE,
      },
      threshold,
      resources: verdict.pass ? [] : [`arn:aws:iam::${snapshot.account.id}:root`],
    };
  },
});
