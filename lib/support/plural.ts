/**
 * Count agreement for messages people read (evidence messages, the email, the audit document):
 * "1 principal has", "2 principals have" — never "1 principals have".
 */

/** `plural(1, 'role')` → "1 role"; `plural(2, 'role')` → "2 roles"; irregular forms as `many`. */
export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** The verb form that agrees with `n`: `agree(1, 'has', 'have')` → "has". */
export const agree = (n: number, one: string, many: string): string => (n === 1 ? one : many);
