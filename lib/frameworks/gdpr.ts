/**
 * GDPR (Regulation (EU) 2016/679) requirements this tool gives evidence for, mapped to
 * rule ids. Data only: to list a rule under a requirement, add its id to `ruleIds`.
 */
import type { Framework } from './types';

export const GDPR: Framework = {
  id: 'gdpr',
  title: 'GDPR — Regulation (EU) 2016/679, Art. 32 security of processing (with Art. 25(2) and 5)',
  requirements: [
    {
      id: 'GDPR-32.1.a',
      title: 'Art. 32(1)(a) — encryption',
      citation: 'Regulation (EU) 2016/679, Article 32(1)(a)',
      summary: 'Protect personal data with measures such as pseudonymisation and encryption, including the logs that record access to it.',
      ruleIds: ['logging.log-encryption'],
    },
    {
      id: 'GDPR-32.1.b',
      title: 'Art. 32(1)(b) — ongoing confidentiality, integrity, availability and resilience',
      citation: 'Regulation (EU) 2016/679, Article 32(1)(b)',
      summary:
        'Keep systems confidential and intact over time: strong authentication, no unprotected all-powerful credentials, a complete and protected activity record.',
      ruleIds: [
        'auth.password-policy-present',
        'auth.password-strength',
        'auth.root-mfa',
        'auth.console-mfa',
        'auth.root-access-keys',
        'access.stale-credentials',
        'access.privilege-escalation',
        'logging.cloudtrail-multi-region',
        'logging.log-integrity',
        'monitoring.abnormal-activity',
        // second wave (#17)
        'auth.root-usage',
        'auth.passwords-predating-policy',
        'access.admin-credentials',
        'access.unused-roles',
        'logging.delivery-health',
        'access.cross-account-trust',
      ],
    },
    {
      id: 'GDPR-32.1.d',
      title: 'Art. 32(1)(d) — regularly testing, assessing and evaluating the measures',
      citation: 'Regulation (EU) 2016/679, Article 32(1)(d)',
      summary: 'Check the measures regularly and effectively: logs that are analysed automatically, and a check that actually runs on schedule.',
      ruleIds: ['logging.cloudtrail-multi-region', 'logging.automated-analysis', 'monitoring.abnormal-activity', 'governance.evidence-continuity'],
    },
    {
      id: 'GDPR-32.2',
      title: 'Art. 32(2) — risks of unauthorised disclosure or access',
      citation: 'Regulation (EU) 2016/679, Article 32(2)',
      summary: 'Size the measures to the risk of unauthorised access and disclosure, such as bulk extraction through over-broad or unwatched access.',
      ruleIds: ['access.wildcard-data-access', 'logging.personal-data-events'],
    },
    {
      id: 'GDPR-32.4',
      title: 'Art. 32(4) — people with access act only on instructions',
      citation: 'Regulation (EU) 2016/679, Article 32(4)',
      summary: 'Those who can reach personal data must only process it on instructions: rights limited to their task, no standing administrator access.',
      ruleIds: ['access.admin-principals', 'access.wildcard-data-access', 'access.permission-breadth', 'access.privilege-escalation'],
    },
    {
      id: 'GDPR-25.2',
      title: 'Art. 25(2) — data protection by default',
      citation: 'Regulation (EU) 2016/679, Article 25(2)',
      summary: 'By default, personal data is accessible only to the extent necessary for each purpose: least privilege for every principal.',
      ruleIds: ['access.admin-principals', 'access.wildcard-data-access', 'access.permission-breadth', 'access.cross-account-trust'],
    },
    {
      id: 'GDPR-5.1.f',
      title: 'Art. 5(1)(f) — integrity and confidentiality',
      citation: 'Regulation (EU) 2016/679, Article 5(1)(f)',
      summary: 'Process personal data with appropriate security, including protection against unauthorised processing; logs are personal data too.',
      ruleIds: ['logging.log-integrity', 'logging.log-encryption', 'logging.retention'],
    },
    {
      id: 'GDPR-5.2',
      title: 'Art. 5(2) — accountability',
      citation: 'Regulation (EU) 2016/679, Article 5(2)',
      summary: 'The controller must be able to demonstrate compliance: dated evidence, collected without gaps.',
      ruleIds: ['governance.evidence-continuity'],
    },
  ],
};
