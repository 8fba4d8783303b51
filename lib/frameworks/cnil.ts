/**
 * CNIL texts this tool gives evidence for: délibérations 2022-100 (passwords) and 2021-122
 * (logging), the personal-data security guide (2024 edition) and, as a reference, the
 * France Travail sanction. Data only: add a rule id to `ruleIds` to map it.
 */
import type { Framework } from './types';

export const CNIL: Framework = {
  id: 'cnil',
  title: 'CNIL — recommendations on passwords and logging, personal-data security guide (2024)',
  requirements: [
    {
      id: 'CNIL-2022-100',
      title: 'Délibération 2022-100 — passwords',
      citation: 'CNIL délibération n° 2022-100 of 21 July 2022 adopting a recommendation on passwords',
      summary:
        'A password alone needs ≥ 80 bits of entropy (12 characters of 4 classes, 14 of 3, or a 7-word passphrase); ≥ 50 bits if access is restricted (time-delay, captcha, blocking after ≤ 10 failures). No forced periodic renewal for ordinary users.',
      ruleIds: ['auth.password-policy-present', 'auth.password-strength', 'auth.passwords-predating-policy'],
    },
    {
      id: 'CNIL-2021-122',
      title: 'Délibération 2021-122 — logging',
      citation: 'CNIL délibération n° 2021-122 of 14 October 2021 adopting a recommendation on logging measures',
      summary:
        'Log access, creation, modification and deletion with author, time, operation and data reference; keep 6 months to 1 year (up to 3 years for documented internal control); analyse automatically with alerts; protect logs from alteration.',
      ruleIds: [
        'logging.cloudtrail-multi-region',
        'logging.log-integrity',
        'logging.log-encryption',
        'logging.automated-analysis',
        'logging.retention',
        'logging.personal-data-events',
        'monitoring.abnormal-activity',
        'logging.delivery-health',
      ],
    },
    {
      id: 'CNIL-GUIDE-4',
      title: 'Guide fiche 4 — authenticate users',
      citation: 'CNIL, Guide de la sécurité des données personnelles (2024 edition), fiche 4',
      summary: 'Authenticate every user individually; prefer multi-factor authentication, especially for privileged accounts and access from outside.',
      ruleIds: ['auth.root-mfa', 'auth.console-mfa', 'auth.root-access-keys', 'access.admin-credentials'],
    },
    {
      id: 'CNIL-GUIDE-5',
      title: 'Guide fiche 5 — manage access rights',
      citation: 'CNIL, Guide de la sécurité des données personnelles (2024 edition), fiche 5',
      summary: 'Least privilege; remove rights on departure; review rights at least yearly; remove unused accounts.',
      ruleIds: ['access.stale-credentials', 'access.admin-principals', 'access.wildcard-data-access', 'access.permission-breadth', 'access.privilege-escalation', 'access.unused-roles', 'access.cross-account-trust'],
    },
    {
      id: 'CNIL-GUIDE-9',
      title: 'Guide fiche 9 — secure servers',
      citation: 'CNIL, Guide de la sécurité des données personnelles (2024 edition), fiche 9',
      summary: 'Use named, non-privileged accounts for routine work and keep administrator rights to those who need them.',
      ruleIds: ['access.admin-principals', 'auth.root-access-keys', 'auth.root-usage', 'access.admin-credentials'],
    },
    {
      id: 'CNIL-GUIDE-16',
      title: 'Guide fiche 16 — trace operations',
      citation: 'CNIL, Guide de la sécurité des données personnelles (2024 edition), fiche 16',
      summary: 'Record operations, keep traces 6 to 12 months, protect them and analyse them actively.',
      ruleIds: [
        'logging.cloudtrail-multi-region',
        'logging.log-integrity',
        'logging.automated-analysis',
        'logging.retention',
        'logging.personal-data-events',
        'monitoring.abnormal-activity',
        'logging.delivery-health',
        'auth.root-usage',
      ],
    },
    {
      id: 'CNIL-GUIDE-22',
      title: 'Guide fiche 22 — cloud computing',
      citation: 'CNIL, Guide de la sécurité des données personnelles (2024 edition), fiche 22',
      summary: 'In the cloud the customer keeps responsibility for its configuration: identities, access rights, logging and monitoring of its account.',
      ruleIds: ['auth.root-mfa', 'logging.cloudtrail-multi-region', 'governance.evidence-continuity', 'access.unused-roles'],
    },
    {
      id: 'CNIL-SAN-2026-003',
      title: 'Sanction SAN-2026-003 — France Travail (reference case)',
      citation: 'CNIL sanction SAN-2026-003 (decided 22 January 2026, published 29 January 2026) against France Travail',
      summary:
        '€5M under Art. 32: weak passwords with late lockout, no MFA, no automatic log analysis, over-broad adviser access; 36.8M people\'s data (25 GB) extracted through hijacked adviser accounts.',
      ruleIds: [
        'auth.password-strength',
        'auth.console-mfa',
        'access.wildcard-data-access',
        'logging.automated-analysis',
        'logging.personal-data-events',
        'monitoring.abnormal-activity',
        'access.cross-account-trust',
      ],
    },
  ],
};
