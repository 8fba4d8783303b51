/**
 * The legal and technical sources art32 cites, each with its STATUS — the single table every
 * rule reference, requirement and document draws from (see docs/design.md "Legal references").
 *
 * Status matters for wording:
 * - `law`: GDPR articles (Regulation (EU) 2016/679) — binding.
 * - `cnil-recommendation`: CNIL délibérations and the 2024 security guide — non-binding: the
 *   state of the art the CNIL applies in controls and sanctions; other measures are acceptable
 *   when their equivalence is demonstrated. Say "the CNIL recommends", never "requires".
 * - `industry-practice`: CIS / AWS figures (90 days, key rotation) and published research.
 * - `reference-case`: a sanction decision. It informs checks; it is not a requirement and has
 *   no PASS/FAIL status of its own.
 *
 * Quotations: a French sentence is put in « » only when it was read verbatim in the PRIMARY text
 * — Légifrance or cnil.fr, or an exact reproduction of one — `quote.primaryUrl` is that text's
 * address and `quote.checkedAgainst` says how and when it was read. A sentence known only from
 * secondary sources (press, law-firm summaries) is never quoted: `reported` keeps our English
 * rendering and who reported it, and everything else cites it without quotation marks. Never
 * add a quotation that was not checked in the primary text (test/unit/frameworks/quotations.test.ts).
 */

export type SourceStatus = 'law' | 'cnil-recommendation' | 'industry-practice' | 'reference-case';

export const SOURCE_STATUS_LABEL: Record<SourceStatus, string> = {
  law: 'GDPR article (law)',
  'cnil-recommendation': 'CNIL recommendation (non-binding state of the art)',
  'industry-practice': 'industry practice (CIS / AWS parameter)',
  'reference-case': 'sanction decision (reference case: informs checks, no status)',
};

/**
 * The standing statement every verdict-bearing output carries (scan, the weekly email; the audit
 * document has a longer form): art32's checks are facts against stated parameters, and whether a
 * measure is appropriate under Art. 32 is for the controller's risk analysis — a failed check is
 * not an admission of infringement.
 */
export const APPROPRIATENESS_STATEMENT =
  "Whether the measures are appropriate under GDPR Art. 32 depends on the controller's own risk analysis: a check that did not pass is a point to examine, not a finding of infringement. " +
  'CNIL deliberations and the security guide are recommendations; other measures are acceptable when their equivalence is demonstrated.';

export interface SourceQuote {
  /** The French sentence, verbatim. */
  fr: string;
  /** Its English rendering (ours, not an official translation). */
  en: string;
  /** The primary text the sentence was read in: its legifrance.gouv.fr or cnil.fr address. */
  primaryUrl: string;
  /** How and when it was read there (the page itself, or which exact reproduction of it). */
  checkedAgainst: string;
}

/** A sentence of the source known only from secondary sources: cited in English, never quoted. */
export interface ReportedSentence {
  /** Our English rendering of what the secondary sources say the text says. */
  en: string;
  /** Who reports it (not the primary text). */
  reportedBy: string;
}

export interface Source {
  id: string;
  status: SourceStatus;
  /** The citation rules and documents print, exactly (one line). */
  citation: string;
  /** Official title and publication, when the source has one (délibération n°, date, JORF). */
  officialTitle?: string;
  quotes?: SourceQuote[];
  reported?: ReportedSentence[];
}

const GDPR = 'GDPR (Regulation (EU) 2016/679)';
const GUIDE = 'CNIL, Guide de la sécurité des données personnelles (2024 edition)';

/**
 * Official titles printed in « » in citations (fiche titles of the 2024 guide), each read on the
 * CNIL's own site: the only other French words in « » besides the quotes of SOURCES.
 */
export const QUOTED_TITLES: readonly { fr: string; primaryUrl: string; checkedAgainst: string }[] = [
  ...['Piloter la sécurité des données', 'Authentifier les utilisateurs', 'Gérer les habilitations', 'Sécuriser les serveurs'].map((fr) => ({
    fr,
    // The guide's online edition on cnil.fr starts at its foreword (this address, read 6 December 2026).
    primaryUrl: 'https://www.cnil.fr/fr/securite-introduction',
    checkedAgainst: "cnil.fr, the list of the 2024 guide's fiches, checked on 5 December 2026 (session notes of issue #16)",
  })),
];

export const SOURCES = {
  gdpr5_1_e: {
    id: 'gdpr5_1_e',
    status: 'law',
    citation: `${GDPR}, Art. 5(1)(e): storage limitation — kept no longer than necessary for the purposes (the upper bound of log retention)`,
  },
  gdpr5_1_f: { id: 'gdpr5_1_f', status: 'law', citation: `${GDPR}, Art. 5(1)(f): integrity and confidentiality` },
  gdpr5_2: { id: 'gdpr5_2', status: 'law', citation: `${GDPR}, Art. 5(2): accountability — the controller shall be able to demonstrate compliance` },
  gdpr24_1: {
    id: 'gdpr24_1',
    status: 'law',
    citation: `${GDPR}, Art. 24(1): the controller implements appropriate measures, is able to demonstrate them, and reviews and updates them where necessary`,
  },
  gdpr25_2: {
    id: 'gdpr25_2',
    status: 'law',
    citation: `${GDPR}, Art. 25(2): data protection by default — personal data not made accessible without the individual's intervention to an indefinite number of persons; accessibility limited to what is necessary`,
  },
  gdpr32_1_a: { id: 'gdpr32_1_a', status: 'law', citation: `${GDPR}, Art. 32(1)(a): the pseudonymisation and encryption of personal data` },
  gdpr32_1_b: {
    id: 'gdpr32_1_b',
    status: 'law',
    citation: `${GDPR}, Art. 32(1)(b): the ability to ensure the ongoing confidentiality, integrity, availability and resilience of processing systems and services`,
  },
  gdpr32_1_d: {
    id: 'gdpr32_1_d',
    status: 'law',
    citation: `${GDPR}, Art. 32(1)(d): a process for regularly testing, assessing and evaluating the effectiveness of technical and organisational measures`,
  },
  gdpr32_2: {
    id: 'gdpr32_2',
    status: 'law',
    citation: `${GDPR}, Art. 32(2): account to be taken of the risks of unauthorised disclosure of, or access to, personal data`,
  },
  gdpr33: { id: 'gdpr33', status: 'law', citation: `${GDPR}, Art. 33: notification of a personal data breach to the supervisory authority within 72 hours` },
  cnil2022_100: {
    id: 'cnil2022_100',
    status: 'cnil-recommendation',
    citation:
      'CNIL délibération n° 2022-100 of 21 July 2022 (recommendation on passwords; JORF 16 October 2022) — the CNIL recommends ≥ 80 bits of entropy for a password used alone (12 characters of 4 classes, 14 of upper, lower and digits, or a 7-word passphrase) and ≥ 50 bits when access to the account is restricted (time-delay, captcha or blocking after ≤ 10 failures)',
    officialTitle:
      "Délibération n° 2022-100 du 21 juillet 2022 portant adoption d'une recommandation relative aux mots de passe et autres secrets partagés et abrogeant la délibération n° 2017-012 du 19 janvier 2017 (JORF du 16 octobre 2022, NOR CNIL2229344X)",
    quotes: [
      {
        fr: "L'article 32 du règlement général sur la protection des données (RGPD) impose que tout traitement de données à caractère personnel soit protégé par des mesures techniques et organisationnelles appropriées aux risques spécifiques que le traitement fait peser sur la protection des données à caractère personnel.",
        en: 'Article 32 of the GDPR demands that any processing of personal data be protected by technical and organisational measures appropriate to the specific risks the processing poses to the protection of personal data.',
        primaryUrl: 'https://www.legifrance.gouv.fr/jorf/id/JORFTEXT000046432885',
        checkedAgainst: 'Légifrance, JORFTEXT000046432885, version initiale (first paragraph of the recommendation), read 6 December 2026',
      },
      {
        fr: "A cette fin, de nombreux traitements utilisent des mots de passe ou autres secrets non partagés afin de protéger l'accès aux données qu'ils contiennent.",
        en: 'To that end, many processing operations use passwords or other non-shared secrets to protect access to the data they hold.',
        primaryUrl: 'https://www.legifrance.gouv.fr/jorf/id/JORFTEXT000046432885',
        checkedAgainst: 'Légifrance, JORFTEXT000046432885, version initiale (second paragraph), read 6 December 2026',
      },
    ],
    reported: [
      {
        en: 'case 1 (password used alone) examples: at least 12 characters including upper case, lower case, digits and special characters chosen from a list of at least 37 possible special characters; or at least 14 characters including upper case, lower case and digits, with no mandatory special character',
        reportedBy: 'several public reproductions of the CNIL examples (2022-2023); not read in the JORF text',
      },
    ],
  },
  cnil2021_122: {
    id: 'cnil2021_122',
    status: 'cnil-recommendation',
    citation:
      'CNIL délibération n° 2021-122 of 14 October 2021 (recommendation on logging; JORF 30 October 2021) — aimed at application logs: the CNIL recommends logging access, creation, modification and deletion with author, timestamp and operation, keeping logs 6 months to 1 year (longer when justified: up to 3 years for a documented internal control, longer where a legal obligation applies), analysing them automatically and protecting them from alteration',
    officialTitle:
      // Title as the CNIL's own PDF of the délibération prints it (a reproduction of that PDF, which
      // gives the Légifrance id); the Légifrance page itself was not reachable from here.
      "Délibération n° 2021-122 du 14 octobre 2021 portant adoption d'une recommandation relative à la journalisation (JORF du 30 octobre 2021, JORFTEXT000044272396)",
    reported: [
      {
        en: 'the Commission recommends keeping this data for a period of between six months and one year',
        reportedBy: 'Next INpact, "La recommandation CNIL sur la journalisation" (November 2021), quoting the JORF text; not read in the JORF text',
      },
      {
        en: 'raising a specific alert when an authorised account accesses the logging data in modification',
        reportedBy: 'Next INpact (November 2021), quoting the JORF text; not read in the JORF text',
      },
      {
        en: 'any reuse of the collected data for purposes other than securing the processing may constitute a misuse of purpose (détournement de finalité)',
        reportedBy: 'Next INpact (November 2021), quoting the JORF text; not read in the JORF text',
      },
    ],
  },
  gdpr32_1_c: {
    id: 'gdpr32_1_c',
    status: 'law',
    citation:
      'GDPR (Regulation (EU) 2016/679), Art. 32(1)(c): the ability to restore the availability and access to personal data in a timely manner in the event of a physical or technical incident',
  },
  gdprChapterV: {
    id: 'gdprChapterV',
    status: 'law',
    citation: 'GDPR (Regulation (EU) 2016/679), Chapter V (Art. 44–50): transfers of personal data to third countries or international organisations',
  },
  cnil2025_019: {
    id: 'cnil2025_019',
    status: 'cnil-recommendation',
    citation:
      'CNIL délibération n° 2025-019 of 20 March 2025 (recommendation on multi-factor authentication; JORF 2 April 2025) — the CNIL recommends how MFA solutions are used and designed in line with the GDPR',
    officialTitle:
      // As the JORF summaries print it (faceaurisque.com, juriblio.fr reproductions of the JO of 2 April 2025); the Légifrance page was not read.
      "Délibération n° 2025-019 du 20 mars 2025 portant adoption d'une recommandation relative à l'authentification multifacteur (MFA) (JORF du 2 avril 2025)",
  },
  cnilGuide1: {
    id: 'cnilGuide1',
    status: 'cnil-recommendation',
    citation: `${GUIDE}, fiche 1 « Piloter la sécurité des données »: periodically check that the measures are effective; action plans with an owner and a deadline`,
  },
  cnilGuide4: {
    id: 'cnilGuide4',
    status: 'cnil-recommendation',
    citation: `${GUIDE}, fiche 4 « Authentifier les utilisateurs »: the CNIL recommends multi-factor authentication, especially for privileged accounts and access from outside`,
  },
  cnilGuide5: {
    id: 'cnilGuide5',
    status: 'cnil-recommendation',
    citation: `${GUIDE}, fiche 5 « Gérer les habilitations »: least privilege, remove rights on departure, review at least yearly, remove unused accounts`,
  },
  cnilGuide9: {
    id: 'cnilGuide9',
    status: 'cnil-recommendation',
    citation: `${GUIDE}, fiche 9 « Sécuriser les serveurs »: non-privileged accounts for routine work, a specific policy for administrators`,
  },
  cnilGuide16: {
    id: 'cnilGuide16',
    status: 'cnil-recommendation',
    citation: `${GUIDE}, fiche 16 (tracing operations): keep traces 6 to 12 months, protect them, analyse them actively; never use them to count working hours`,
  },
  cnilGuide17: {
    id: 'cnilGuide17',
    status: 'cnil-recommendation',
    citation: `${GUIDE}, fiche 17: back up (regular backups, tested restoration, protected copies)`,
  },
  cnilGuide19: { id: 'cnilGuide19', status: 'cnil-recommendation', citation: `${GUIDE}, fiche 19: manage incidents and personal data breaches` },
  cnilGuide22: {
    id: 'cnilGuide22',
    status: 'cnil-recommendation',
    citation: `${GUIDE}, fiche 22 (cloud computing): least privilege, encryption at rest and in transit, remove unused resources, know where data is located`,
  },
  cnilSan2026_003: {
    id: 'cnilSan2026_003',
    status: 'reference-case',
    citation:
      'CNIL délibération SAN-2026-003 of 22 January 2026 (published 29 January 2026) against France Travail: €5M fine under GDPR Art. 32 — public summaries: weak authentication (lockout only after 50 attempts, no MFA), over-broad habilitations, logging unable to detect abnormal behaviour, DPIA measures identified but not implemented; 25 GB on 36.8M people extracted',
    officialTitle:
      "Délibération SAN-2026-003 du 22 janvier 2026 prononçant une sanction pécuniaire à l'encontre de l'opérateur FRANCE TRAVAIL (Légifrance CNILTEXT000053408671)",
  },
  cnilSan2026_003Rapporteur: {
    id: 'cnilSan2026_003Rapporteur',
    status: 'reference-case',
    citation:
      "SAN-2026-003, the CNIL rapporteur's findings as quoted in Legal Watch No. 91 (January 2026): 8-character passwords, 9 GB extracted on 6 February 2024, a 69 % error rate on the abused accounts",
  },
  awsS3DefaultEncryption: {
    id: 'awsS3DefaultEncryption',
    status: 'industry-practice',
    citation: 'AWS, Amazon S3 User Guide: since 5 January 2023 every new object is encrypted at rest with SSE-S3 by default (S3-managed keys)',
  },
  awsIamNoLockout: {
    id: 'awsIamNoLockout',
    status: 'industry-practice',
    citation: 'AWS, IAM User Guide, "Set an account password policy for IAM users": the policy sets length, classes, expiry and reuse; IAM offers no lockout, captcha or delay for IAM user sign-in',
  },
  awsScpRoot: {
    id: 'awsScpRoot',
    status: 'industry-practice',
    citation: 'AWS Organizations User Guide, service control policies: SCPs restrict the root user of member accounts (not of the management account)',
  },
  cisAws: {
    id: 'cisAws',
    status: 'industry-practice',
    // v1.2.0 control 1.3 says 90 days; the AWS Config conformance pack for v1.4 and Tenable's v7.0.0 audit (2.11) say 45.
    citation:
      'CIS Amazon Web Services Foundations Benchmark: access keys rotated every 90 days; credentials unused for 90 days disabled in v1.2.0 (45 days from v1.4.0 on)',
  },
  cisAwsIdentity: {
    id: 'cisAwsIdentity',
    status: 'industry-practice',
    citation:
      'CIS Amazon Web Services Foundations Benchmark, identity and access management section: MFA for every IAM user with a console password, MFA (hardware MFA preferred) for the root user, no root user access keys',
  },
  cisAwsLogging: {
    id: 'cisAwsLogging',
    status: 'industry-practice',
    citation:
      'CIS Amazon Web Services Foundations Benchmark, logging and monitoring sections: CloudTrail enabled in all regions, log file validation enabled, CloudTrail logs encrypted at rest with KMS keys, a metric filter and alarm for unauthorized API calls',
  },
  awsGuardDutyS3: {
    id: 'awsGuardDutyS3',
    status: 'industry-practice',
    citation: 'AWS, Amazon GuardDuty User Guide, "S3 Protection": GuardDuty analyses S3 data events to detect threats to data in S3 buckets',
  },
  awsCloudWatchRetention: {
    id: 'awsCloudWatchRetention',
    status: 'industry-practice',
    citation: 'AWS, Amazon CloudWatch Logs API Reference, PutRetentionPolicy: retentionInDays takes one of a fixed list of values, among them 180 and 365 days (none in between)',
  },
  iglewiczHoaglin: {
    id: 'iglewiczHoaglin',
    status: 'industry-practice',
    citation: 'B. Iglewicz and D. C. Hoaglin, How to Detect and Handle Outliers (ASQC Basic References in Quality Control, vol. 16, 1993): a modified z-score (median / MAD) above 3.5 marks a potential outlier',
  },
  awsUnusedAccess90: {
    id: 'awsUnusedAccess90',
    status: 'industry-practice',
    citation:
      'Industry practice: AWS IAM Access Analyzer unused access findings (default tracking period 90 days); AWS IAM User Guide, "Refining permissions in AWS using last accessed information"',
  },
  awsRootUsage: {
    id: 'awsRootUsage',
    status: 'industry-practice',
    citation:
      'Industry practice: AWS IAM User Guide, "Root user best practices for your AWS account" (do not use root for everyday tasks; monitor its use); CIS AWS Foundations Benchmark, monitoring of root account usage',
  },
  awsTrailStatus: {
    id: 'awsTrailStatus',
    status: 'industry-practice',
    citation: 'AWS CloudTrail API Reference, GetTrailStatus (LatestDeliveryError, LatestDigestDeliveryError, LatestCloudWatchLogsDeliveryError, LatestDeliveryTime)',
  },
  awsPasswordPolicy: {
    id: 'awsPasswordPolicy',
    status: 'industry-practice',
    citation:
      'AWS IAM User Guide, "Set an account password policy for IAM users": most password policy settings are enforced the next time users change their passwords (existing passwords are not re-checked)',
  },
  awsAdminCredentials: {
    id: 'awsAdminCredentials',
    status: 'industry-practice',
    citation: 'Industry practice: AWS IAM User Guide, "Security best practices in IAM" (temporary credentials for humans, MFA, rotate or remove long-term access keys)',
  },
  awsPermissionSetSession: {
    id: 'awsPermissionSetSession',
    status: 'industry-practice',
    citation:
      'AWS IAM Identity Center User Guide, "Set session duration": a permission set\'s session lasts one hour by default and can be set up to 12 hours; IAM User Guide, role maximum session duration (1 to 12 hours)',
  },
  rhinoEscalation: {
    id: 'rhinoEscalation',
    status: 'industry-practice',
    citation: 'Rhino Security Labs, "AWS IAM Privilege Escalation – Methods and Mitigation" (2018)',
  },
} as const satisfies Record<string, Source>;

export type SourceId = keyof typeof SOURCES;

/** All sources, for lookups by citation. */
export const SOURCE_LIST: readonly Source[] = Object.values(SOURCES);

/** The source a citation string belongs to (exact match), or undefined. */
export function sourceOfCitation(citation: string): Source | undefined {
  return SOURCE_LIST.find((s) => s.citation === citation);
}

/** The French key sentence(s) of a source read in its primary text, « fr » (en) [where], or [] when none was. */
export function quotedSentences(id: SourceId): string[] {
  const s: Source = SOURCES[id];
  return (s.quotes ?? []).map((q) => `« ${q.fr} » (${q.en}) [${q.primaryUrl}]`);
}

/**
 * Words that attribute an obligation. A CNIL recommendation "recommends"; only law "requires".
 * Used by the wording test and available to any text generator that wants to check itself.
 */
export const OBLIGATION_WORDS = /\b(requires?|required|mandates?|mandatory|obliges?|must)\b/i;
