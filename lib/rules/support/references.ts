/**
 * Exact citations shared by rules (see DESIGN.md "Legal references"). Kept in one place so
 * that every rule cites a source with the same words and an auditor can grep for them.
 */
export const REF = {
  gdpr32_1_a: 'GDPR (Regulation (EU) 2016/679), Art. 32(1)(a): the pseudonymisation and encryption of personal data',
  gdpr32_1_b:
    'GDPR (Regulation (EU) 2016/679), Art. 32(1)(b): the ability to ensure the ongoing confidentiality, integrity, availability and resilience of processing systems and services',
  gdpr32_1_d:
    'GDPR (Regulation (EU) 2016/679), Art. 32(1)(d): a process for regularly testing, assessing and evaluating the effectiveness of technical and organisational measures',
  gdpr32_2:
    'GDPR (Regulation (EU) 2016/679), Art. 32(2): account to be taken of the risks of unauthorised disclosure of, or access to, personal data',
  gdpr32_4:
    'GDPR (Regulation (EU) 2016/679), Art. 32(4): any natural person acting under the authority of the controller who has access to personal data does not process them except on instructions',
  gdpr25_2:
    'GDPR (Regulation (EU) 2016/679), Art. 25(2): data protection by default — personal data not made accessible without the individual\'s intervention to an indefinite number of persons; accessibility limited to what is necessary',
  gdpr5_1_f: 'GDPR (Regulation (EU) 2016/679), Art. 5(1)(f): integrity and confidentiality',
  gdpr5_2: 'GDPR (Regulation (EU) 2016/679), Art. 5(2): accountability — the controller shall be able to demonstrate compliance',
  cnil2022_100:
    'CNIL délibération n° 2022-100 of 21 July 2022 (recommendation on passwords): ≥ 80 bits of entropy for a password alone (12 characters of 4 classes, 14 of 3 classes, or a 7-word passphrase); ≥ 50 bits with restricted access (time-delay, captcha or blocking after ≤ 10 failures)',
  cnil2021_122:
    'CNIL délibération n° 2021-122 of 14 October 2021 (recommendation on logging): log access, creation, modification and deletion with author, timestamp and operation; retain 6 months to 1 year (up to 3 years for documented internal control); analyse logs automatically; protect them from alteration',
  cnilGuide4: 'CNIL, Guide de la sécurité des données personnelles (2024 edition), fiche 4: authenticate users (multi-factor authentication preferred)',
  cnilGuide5:
    'CNIL, Guide de la sécurité des données personnelles (2024 edition), fiche 5: manage access rights (least privilege, remove on departure, review at least yearly, remove unused accounts)',
  cnilGuide9:
    'CNIL, Guide de la sécurité des données personnelles (2024 edition), fiche 9: secure servers (non-privileged accounts for routine work, named accounts)',
  cnilGuide16:
    'CNIL, Guide de la sécurité des données personnelles (2024 edition), fiche 16: trace operations (keep 6 to 12 months, protect, analyse actively)',
  cnilGuide22: 'CNIL, Guide de la sécurité des données personnelles (2024 edition), fiche 22: cloud computing',
  cnilSan2026_003:
    'CNIL sanction SAN-2026-003 (decided 22 January 2026, published 29 January 2026) against France Travail: €5M under Art. 32; 36.8M people\'s data extracted (25 GB) through hijacked adviser accounts',
  // ---- added for the second-wave rules (issue #17)
  gdpr32_1_c:
    'GDPR (Regulation (EU) 2016/679), Art. 32(1)(c): the ability to restore the availability and access to personal data in a timely manner in the event of a physical or technical incident',
  gdprChapterV: 'GDPR (Regulation (EU) 2016/679), Chapter V (Art. 44–50): transfers of personal data to third countries or international organisations',
  cnil2025_019: 'CNIL délibération n° 2025-019 of 20 March 2025 (recommendation on multi-factor authentication)',
  cnilGuide17: 'CNIL, Guide de la sécurité des données personnelles (2024 edition), fiche 17: back up (regular backups, tested restoration, protected copies)',
  cnilGuide19: 'CNIL, Guide de la sécurité des données personnelles (2024 edition), fiche 19: manage incidents and personal data breaches',
  awsUnusedAccess90:
    'Industry practice: AWS IAM Access Analyzer unused access findings (default tracking period 90 days); AWS IAM User Guide, "Refining permissions in AWS using last accessed information"',
  awsRootUsage:
    'Industry practice: AWS IAM User Guide, "Root user best practices for your AWS account" (do not use root for everyday tasks; monitor its use); CIS AWS Foundations Benchmark, monitoring of root account usage',
  awsTrailStatus: 'AWS CloudTrail API Reference, GetTrailStatus (LatestDeliveryError, LatestDigestDeliveryError, LatestCloudWatchLogsDeliveryError, LatestDeliveryTime)',
  awsPasswordPolicy:
    'AWS IAM User Guide, "Set an account password policy for IAM users": most password policy settings are enforced the next time users change their passwords (existing passwords are not re-checked)',
  awsAdminCredentials:
    'Industry practice: AWS IAM User Guide, "Security best practices in IAM" (temporary credentials for humans, MFA, rotate or remove long-term access keys)',
} as const;
