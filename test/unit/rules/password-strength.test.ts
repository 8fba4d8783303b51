/**
 * The CNIL délibération 2022-100 password matrix: every length 7–15 × character-class set ×
 * declared compensating control, judged against an expectation written from the text of
 * the délibération (not from the implementation).
 */
import { describe, expect, it } from 'vitest';
import passwordStrength, {
  PasswordStrengthParameters,
  type CharacterClass,
  type CompensatingControl,
} from '../../../lib/rules/auth/password-strength';
import { evaluateRule } from '../../../lib/rules';
import { snapshot } from './builders';

const CLASS_SETS: Record<string, CharacterClass[]> = {
  none: [],
  lower: ['lowercase'],
  'upper+lower': ['uppercase', 'lowercase'],
  'upper+lower+digits': ['uppercase', 'lowercase', 'digits'],
  'lower+digits+symbols': ['lowercase', 'digits', 'symbols'],
  all4: ['uppercase', 'lowercase', 'digits', 'symbols'],
};

const CONTROLS: { name: string; control: CompensatingControl; lockoutThreshold: number | null; restricted: boolean }[] = [
  { name: 'none', control: 'none', lockoutThreshold: null, restricted: false },
  { name: 'lockout after 10', control: 'lockout', lockoutThreshold: 10, restricted: true },
  { name: 'lockout after 11', control: 'lockout', lockoutThreshold: 11, restricted: false },
  { name: 'lockout, no threshold', control: 'lockout', lockoutThreshold: null, restricted: false },
  { name: 'lockout after 50 (France Travail)', control: 'lockout', lockoutThreshold: 50, restricted: false },
  { name: 'captcha', control: 'captcha', lockoutThreshold: null, restricted: true },
  { name: 'time-delay', control: 'time-delay', lockoutThreshold: null, restricted: true },
];

const SIZES: Record<CharacterClass, number> = { lowercase: 26, uppercase: 26, digits: 10, symbols: 32 };

/** The délibération, read literally. */
function cnilExpects(length: number, classes: CharacterClass[], restricted: boolean): boolean {
  const alphabet = classes.length ? classes.reduce((n, c) => n + SIZES[c], 0) : 10;
  const bits = length * Math.log2(alphabet);
  const has = (c: CharacterClass): boolean => classes.includes(c);
  if (length >= 12 && classes.length === 4) return true;
  if (length >= 14 && has('uppercase') && has('lowercase') && has('digits')) return true;
  if (bits >= 80) return true;
  if (restricted && ((length >= 8 && classes.length >= 3) || bits >= 50)) return true;
  return false;
}

function policyFor(length: number, classes: CharacterClass[]) {
  return {
    MinimumPasswordLength: length,
    RequireLowercaseCharacters: classes.includes('lowercase'),
    RequireUppercaseCharacters: classes.includes('uppercase'),
    RequireNumbers: classes.includes('digits'),
    RequireSymbols: classes.includes('symbols'),
    AllowUsersToChangePassword: true,
    ExpirePasswords: false,
  };
}

const matrix: { length: number; setName: string; classes: CharacterClass[]; name: string; control: CompensatingControl; lockoutThreshold: number | null; restricted: boolean; expected: boolean }[] = [];
for (let length = 7; length <= 15; length += 1)
  for (const [setName, classes] of Object.entries(CLASS_SETS))
    for (const c of CONTROLS) matrix.push({ length, setName, classes, ...c, expected: cnilExpects(length, classes, c.restricted) });

describe('auth.password-strength — CNIL 2022-100 matrix', () => {
  it.each(matrix)('$length chars, $setName, control $name → pass=$expected', ({ length, classes, control, lockoutThreshold, expected }) => {
    const f = evaluateRule(passwordStrength, snapshot({ passwordPolicy: policyFor(length, classes) }), {
      compensatingControl: control,
      lockoutThreshold,
    });
    expect(f.status).toBe(expected ? 'PASS' : 'FAIL');
    expect(typeof f.observed.entropyBits).toBe('number');
  });

  // The named boundaries of the issue, spelled out so a reader sees them without the table.
  const judge = (length: number, set: keyof typeof CLASS_SETS, params: Record<string, unknown> = {}) =>
    evaluateRule(passwordStrength, snapshot({ passwordPolicy: policyFor(length, CLASS_SETS[set]!) }), params).status;

  it('13 characters with upper+lower+digits fails (77.4 bits), 14 passes', () => {
    expect(judge(13, 'upper+lower+digits')).toBe('FAIL');
    expect(judge(14, 'upper+lower+digits')).toBe('PASS');
  });
  it('12 characters with all 4 classes passes (the CNIL example, 78.7 bits), 11 fails', () => {
    expect(judge(12, 'all4')).toBe('PASS');
    expect(judge(11, 'all4')).toBe('FAIL');
  });
  it('8 characters with 3 classes passes only with lockout ≤ 10, captcha or time-delay', () => {
    expect(judge(8, 'upper+lower+digits')).toBe('FAIL');
    expect(judge(8, 'upper+lower+digits', { compensatingControl: 'lockout', lockoutThreshold: 10 })).toBe('PASS');
    expect(judge(8, 'upper+lower+digits', { compensatingControl: 'lockout', lockoutThreshold: 11 })).toBe('FAIL');
    expect(judge(8, 'upper+lower+digits', { compensatingControl: 'captcha' })).toBe('PASS');
    expect(judge(8, 'upper+lower+digits', { compensatingControl: 'time-delay' })).toBe('PASS');
    expect(judge(7, 'upper+lower+digits', { compensatingControl: 'captcha' })).toBe('FAIL');
  });
});

describe('auth.password-strength — reported facts', () => {
  it('reports entropy rounded to 0.1 bit from the IAM flags', () => {
    const f = evaluateRule(passwordStrength, snapshot({ passwordPolicy: policyFor(12, CLASS_SETS.all4!) }));
    expect(f.observed.entropyBits).toBe(78.7);
    expect(f.observed.alphabetSize).toBe(94);
    expect(f.threshold.minimumEntropyBits).toBe(80);
  });
  it('France Travail: 8 characters, lockout after 50 attempts → FAIL with 47.6 bits', () => {
    const f = evaluateRule(passwordStrength, snapshot({ passwordPolicy: policyFor(8, CLASS_SETS['upper+lower+digits']!) }), {
      compensatingControl: 'lockout',
      lockoutThreshold: 50,
    });
    expect(f.status).toBe('FAIL');
    expect(f.observed.entropyBits).toBe(47.6);
    expect(String(f.observed.compensatingControl)).toContain('after 50 failures');
  });
  it('no policy → FAIL describing the AWS default', () => {
    const f = evaluateRule(passwordStrength, snapshot({ passwordPolicy: null }));
    expect(f.status).toBe('FAIL');
    expect(f.observed.awsDefault).toMatchObject({ MinimumPasswordLength: 8 });
    expect(f.observed.entropyBits).toBe(47.6);
  });
  it('explains that the 7-word passphrase case cannot be enforced by IAM', () => {
    expect(passwordStrength.rationale).toMatch(/7-word passphrase.*cannot be enforced/);
    const f = evaluateRule(passwordStrength, snapshot({ passwordPolicy: policyFor(14, CLASS_SETS['upper+lower+digits']!) }));
    expect(String(f.observed.note)).toMatch(/passphrase/);
  });
  it('mentions forced expiry without failing on it', () => {
    const f = evaluateRule(passwordStrength, snapshot({ passwordPolicy: { ...policyFor(14, CLASS_SETS.all4!), ExpirePasswords: true, MaxPasswordAge: 90 } }));
    expect(f.status).toBe('PASS');
    expect(String(f.observed.expiry)).toMatch(/90 days.*advises against/);
  });
  it('a missing MinimumPasswordLength is IAM\'s own minimum (6)', () => {
    const f = evaluateRule(passwordStrength, snapshot({ passwordPolicy: { RequireSymbols: true } }));
    expect(f.observed.MinimumPasswordLength).toBe(6);
    expect(f.status).toBe('FAIL');
  });
  it('rejects invalid parameters instead of guessing', () => {
    expect(() => evaluateRule(passwordStrength, snapshot({ passwordPolicy: null }), { compensatingControl: 'prayer' })).toThrow(/compensatingControl/);
    expect(PasswordStrengthParameters.parse({})).toMatchObject({ compensatingControl: 'none', minimumEntropyBits: 80 });
  });
  it('missing section → ERROR, never PASS', () => {
    expect(evaluateRule(passwordStrength, snapshot({})).status).toBe('ERROR');
  });
});
