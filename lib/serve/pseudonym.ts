/**
 * Pseudonymised principal names for the activity view (GDPR Art. 4(5): the names can be
 * re-identified only with the key, kept apart). The last path segment of an ARN (user name,
 * role session name, often an e-mail address) becomes `p-` + 10 hex of HMAC-SHA256; the
 * account, role and identity type stay readable, which is what an outlier review needs.
 * Key: `ART32_PSEUDONYM_KEY` (stable across sessions), else a random key for this session.
 */
import { createHmac, randomBytes } from 'node:crypto';

export function pseudonymiser(key: string | Buffer = randomBytes(32)): (principal: string) => string {
  const alias = (value: string): string => `p-${createHmac('sha256', key).update(value, 'utf8').digest('hex').slice(0, 10)}`;
  return (principal) => {
    const slash = principal.lastIndexOf('/');
    if (principal.startsWith('arn:') && slash > 0) return `${principal.slice(0, slash + 1)}${alias(principal)}`;
    return alias(principal);
  };
}
