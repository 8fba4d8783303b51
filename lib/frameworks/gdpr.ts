/**
 * GDPR (Regulation (EU) 2016/679) articles this tool gives evidence for, mapped to rule ids.
 * Data only: to list a rule under an article, add its id to `ruleIds`.
 *
 * Mapping choices (reviewed against the texts, issue #16):
 * - least privilege rests on Art. 32(1)(b) and 25(2), never on 32(4) (acting on instructions);
 * - 32(1)(d) (regularly testing the measures) is evidenced by the continuity of this very
 *   evidence, not by logging or monitoring, which are measures themselves (32(1)(b));
 * - the upper bound of log retention is storage limitation, Art. 5(1)(e).
 */
import type { Framework } from './types';
import { SOURCES } from './sources';

export const GDPR: Framework = {
  id: 'gdpr',
  title: 'GDPR — Regulation (EU) 2016/679, Art. 32 security of processing (with Art. 5, 24 and 25(2))',
  requirements: [
    {
      id: 'GDPR-32.1.a',
      title: 'Art. 32(1)(a) — encryption',
      shortName: 'Art. 32(1)(a)',
      kind: 'law',
      sourceId: 'gdpr32_1_a',
      citation: SOURCES.gdpr32_1_a.citation,
      summary: 'Protect personal data with measures such as pseudonymisation and encryption, including the logs that record access to it.',
      ruleIds: ['logging.log-encryption'],
    },
    {
      id: 'GDPR-32.1.b',
      title: 'Art. 32(1)(b) — ongoing confidentiality, integrity, availability and resilience',
      shortName: 'Art. 32(1)(b)',
      kind: 'law',
      sourceId: 'gdpr32_1_b',
      citation: SOURCES.gdpr32_1_b.citation,
      summary:
        'Keep systems confidential and intact over time: strong authentication, least privilege, no unprotected all-powerful credentials, a complete, protected and analysed activity record.',
      ruleIds: [
        'auth.password-policy-present',
        'auth.password-strength',
        'auth.root-mfa',
        'auth.console-mfa',
        'auth.root-access-keys',
        'access.stale-credentials',
        'access.admin-principals',
        'access.wildcard-data-access',
        'access.permission-breadth',
        'access.privilege-escalation',
        'logging.cloudtrail-multi-region',
        'logging.log-integrity',
        'logging.automated-analysis',
        'monitoring.abnormal-activity',
        // second wave (#17)
        'auth.root-usage',
        'auth.passwords-predating-policy',
        'access.admin-credentials',
        'access.unused-roles',
        'logging.delivery-health',
        'access.cross-account-trust',
        'auth.federated-access',
        'logging.log-tamper-access',
      ],
    },
    {
      id: 'GDPR-32.1.d',
      title: 'Art. 32(1)(d) — regularly testing, assessing and evaluating the measures',
      shortName: 'Art. 32(1)(d)',
      kind: 'law',
      sourceId: 'gdpr32_1_d',
      citation: SOURCES.gdpr32_1_d.citation,
      summary: 'A process that tests and evaluates the measures regularly: here, the scheduled collection of this evidence, without gaps.',
      ruleIds: ['governance.evidence-continuity'],
    },
    {
      id: 'GDPR-32.2',
      title: 'Art. 32(2) — risks of unauthorised disclosure or access',
      shortName: 'Art. 32(2)',
      kind: 'law',
      sourceId: 'gdpr32_2',
      citation: SOURCES.gdpr32_2.citation,
      summary: 'Size the measures to the risk of unauthorised access and disclosure, such as bulk extraction through over-broad or unwatched access.',
      ruleIds: ['access.wildcard-data-access', 'logging.personal-data-events'],
    },
    {
      id: 'GDPR-25.2',
      title: 'Art. 25(2) — data protection by default',
      shortName: 'Art. 25(2)',
      kind: 'law',
      sourceId: 'gdpr25_2',
      citation: SOURCES.gdpr25_2.citation,
      summary: 'By default, personal data is accessible only to the extent necessary for each purpose: least privilege for every principal.',
      ruleIds: ['access.admin-principals', 'access.wildcard-data-access', 'access.permission-breadth', 'access.cross-account-trust', 'auth.federated-access'],
    },
    {
      id: 'GDPR-5.1.e',
      title: 'Art. 5(1)(e) — storage limitation',
      shortName: 'Art. 5(1)(e)',
      kind: 'law',
      sourceId: 'gdpr5_1_e',
      citation: SOURCES.gdpr5_1_e.citation,
      summary: 'Logs are personal data: keep them no longer than their purpose (security) needs — the upper bound of log retention.',
      ruleIds: ['logging.retention'],
    },
    {
      id: 'GDPR-5.1.f',
      title: 'Art. 5(1)(f) — integrity and confidentiality',
      shortName: 'Art. 5(1)(f)',
      kind: 'law',
      sourceId: 'gdpr5_1_f',
      citation: SOURCES.gdpr5_1_f.citation,
      summary: 'Process personal data with appropriate security, including protection against unauthorised processing; logs are personal data too.',
      ruleIds: ['logging.log-integrity', 'logging.log-encryption', 'logging.log-tamper-access'],
    },
    {
      id: 'GDPR-5.2',
      title: 'Art. 5(2) — accountability',
      shortName: 'Art. 5(2)',
      kind: 'law',
      sourceId: 'gdpr5_2',
      citation: SOURCES.gdpr5_2.citation,
      summary: 'The controller must be able to demonstrate compliance: dated evidence, collected without gaps.',
      ruleIds: ['governance.evidence-continuity'],
    },
    {
      id: 'GDPR-24.1',
      title: 'Art. 24(1) — responsibility of the controller (demonstrate, review and update the measures)',
      shortName: 'Art. 24(1)',
      kind: 'law',
      sourceId: 'gdpr24_1',
      citation: SOURCES.gdpr24_1.citation,
      summary: 'The controller implements the measures, can demonstrate them, and reviews and updates them: a regular, gap-free record.',
      ruleIds: ['governance.evidence-continuity'],
    },
  ],
};
