/**
 * CNIL texts this tool gives evidence for: délibérations 2022-100 (passwords) and 2021-122
 * (logging), the personal-data security guide (2024 edition) — all RECOMMENDATIONS:
 * non-binding, the state of the art the CNIL applies in controls and sanctions; other measures
 * are acceptable when their equivalence is demonstrated — and, as a reference case that informs
 * checks (no status), the France Travail sanction. Data only: add a rule id to `ruleIds` to map it.
 */
import type { Framework } from './types';
import { SOURCES } from './sources';

export const CNIL: Framework = {
  id: 'cnil',
  title: 'CNIL — recommendations on passwords and logging, personal-data security guide (2024); SAN-2026-003 as a reference case',
  requirements: [
    {
      id: 'CNIL-2022-100',
      title: 'Délibération n° 2022-100 — passwords (recommendation)',
      shortName: 'CNIL délib. 2022-100 (recommendation)',
      kind: 'cnil-recommendation',
      sourceId: 'cnil2022_100',
      citation: SOURCES.cnil2022_100.citation,
      summary:
        'The CNIL recommends ≥ 80 bits of entropy for a password used alone (12 characters of 4 classes, 14 of 3, or a 7-word passphrase); ≥ 50 bits if access is restricted (time-delay, captcha, blocking after ≤ 10 failures). It advises against forced periodic renewal for ordinary users.',
      ruleIds: ['auth.password-policy-present', 'auth.password-strength', 'auth.passwords-predating-policy'],
    },
    {
      id: 'CNIL-2021-122',
      title: 'Délibération n° 2021-122 — logging (recommendation)',
      shortName: 'CNIL délib. 2021-122 (recommendation)',
      kind: 'cnil-recommendation',
      sourceId: 'cnil2021_122',
      citation: SOURCES.cnil2021_122.citation,
      summary:
        'Aimed at application logs. The CNIL recommends logging access, creation, modification and deletion with author, time, operation and data reference; keeping logs 6 months to 1 year (longer when justified); analysing them automatically with alerts that are treated; protecting them from alteration. CloudTrail covers the AWS layer only.',
      ruleIds: [
        'logging.cloudtrail-multi-region',
        'logging.log-integrity',
        'logging.log-encryption',
        'logging.automated-analysis',
        'logging.retention',
        'logging.personal-data-events',
        'monitoring.abnormal-activity',
        'logging.delivery-health',
        'logging.log-tamper-access',
      ],
    },
    {
      id: 'CNIL-GUIDE-1',
      title: 'Guide fiche 1 — manage security (check the measures periodically)',
      shortName: 'CNIL guide fiche 1 (recommendation)',
      kind: 'cnil-recommendation',
      sourceId: 'cnilGuide1',
      citation: SOURCES.cnilGuide1.citation,
      summary: 'The CNIL recommends checking periodically that the measures are effective, with action plans that have an owner and a deadline.',
      ruleIds: ['governance.evidence-continuity'],
    },
    {
      id: 'CNIL-GUIDE-4',
      title: 'Guide fiche 4 — authenticate users',
      shortName: 'CNIL guide fiche 4 (recommendation)',
      kind: 'cnil-recommendation',
      sourceId: 'cnilGuide4',
      citation: SOURCES.cnilGuide4.citation,
      summary: 'The CNIL recommends authenticating every user individually and prefers multi-factor authentication, especially for privileged accounts and access from outside.',
      ruleIds: ['auth.root-mfa', 'auth.console-mfa', 'auth.root-access-keys', 'access.admin-credentials', 'auth.federated-access'],
    },
    {
      id: 'CNIL-GUIDE-5',
      title: 'Guide fiche 5 — manage access rights',
      shortName: 'CNIL guide fiche 5 (recommendation)',
      kind: 'cnil-recommendation',
      sourceId: 'cnilGuide5',
      citation: SOURCES.cnilGuide5.citation,
      summary: 'The CNIL recommends least privilege, removing rights on departure, reviewing rights at least yearly and removing unused accounts.',
      ruleIds: ['access.stale-credentials', 'access.admin-principals', 'access.wildcard-data-access', 'access.permission-breadth', 'access.privilege-escalation', 'access.unused-roles', 'access.cross-account-trust', 'auth.federated-access'],
    },
    {
      id: 'CNIL-GUIDE-9',
      title: 'Guide fiche 9 — secure servers',
      shortName: 'CNIL guide fiche 9 (recommendation)',
      kind: 'cnil-recommendation',
      sourceId: 'cnilGuide9',
      citation: SOURCES.cnilGuide9.citation,
      summary: 'The CNIL recommends named, non-privileged accounts for routine work and a specific policy for administrators.',
      ruleIds: ['access.admin-principals', 'auth.root-access-keys', 'auth.root-usage', 'access.admin-credentials', 'auth.federated-access'],
    },
    {
      id: 'CNIL-GUIDE-16',
      title: 'Guide fiche 16 — trace operations',
      shortName: 'CNIL guide fiche 16 (recommendation)',
      kind: 'cnil-recommendation',
      sourceId: 'cnilGuide16',
      citation: SOURCES.cnilGuide16.citation,
      summary: 'The CNIL recommends recording operations, keeping traces 6 to 12 months, protecting them and analysing them actively — never to count working hours.',
      ruleIds: [
        'logging.cloudtrail-multi-region',
        'logging.log-integrity',
        'logging.automated-analysis',
        'logging.retention',
        'logging.personal-data-events',
        'monitoring.abnormal-activity',
        'logging.delivery-health',
        'auth.root-usage',
        'logging.log-tamper-access',
      ],
    },
    {
      id: 'CNIL-GUIDE-17',
      title: 'Guide fiche 17 — back up',
      shortName: 'CNIL guide fiche 17 (recommendation)',
      kind: 'cnil-recommendation',
      sourceId: 'cnilGuide17',
      citation: SOURCES.cnilGuide17.citation,
      summary: 'The CNIL recommends regular backups, copies protected from the incidents that would hit the original, and tested restoration.',
      ruleIds: ['data.backups'],
    },
    {
      id: 'CNIL-GUIDE-22',
      title: 'Guide fiche 22 — cloud computing',
      shortName: 'CNIL guide fiche 22 (recommendation)',
      kind: 'cnil-recommendation',
      sourceId: 'cnilGuide22',
      citation: SOURCES.cnilGuide22.citation,
      summary: 'In the cloud the customer keeps responsibility for its configuration: the CNIL recommends least privilege, encryption at rest and in transit, and knowing where data is.',
      ruleIds: ['auth.root-mfa', 'logging.cloudtrail-multi-region', 'logging.log-encryption', 'access.unused-roles', 'data.public-exposure', 'data.encryption-at-rest', 'data.location'],
    },
    {
      id: 'CNIL-SAN-2026-003',
      title: 'SAN-2026-003 — France Travail (reference case: checks informed by it, no status)',
      shortName: 'SAN-2026-003',
      kind: 'reference-case',
      sourceId: 'cnilSan2026_003',
      citation: SOURCES.cnilSan2026_003.citation,
      summary:
        'A €5M fine under Art. 32 (decided 22 January 2026, published 29 January 2026). Per the public summaries: lockout only after 50 attempts, no MFA, over-broad habilitations, logging unable to detect abnormal behaviour, DPIA measures identified but not implemented; 25 GB on 36.8M people extracted through hijacked adviser accounts. A decision informs these checks; it is not a requirement with a status.',
      ruleIds: [
        'auth.password-strength',
        'auth.console-mfa',
        'access.wildcard-data-access',
        'logging.automated-analysis',
        'logging.personal-data-events',
        'monitoring.abnormal-activity',
        'access.cross-account-trust',
        'auth.federated-access',
      ],
    },
  ],
};
