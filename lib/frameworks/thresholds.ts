/**
 * Where every threshold comes from: for each rule, each parameter (and, for rules without
 * parameters, each fixed criterion in their code) with the source sentence it rests on and
 * the STATUS of the figure itself. `art32 explain` and docs/rules.md (generated) print it; a
 * test pins that every parameter of every registered rule has an entry here.
 *
 * The status is the figure's, not the topic's. No GDPR article contains a figure: the law
 * sets the obligation (appropriate measures, storage limitation, regular testing) and the
 * figures come from a CNIL recommendation, from industry practice (CIS / AWS / published
 * research) or are art32's own default, which the controller calibrates. Saying so is the
 * point: a figure of art32's own must never be presented as the CNIL's.
 *
 * `sentence` is OUR English rendering of what the source says (never in quotation marks).
 * `quote` points at a French sentence in lib/frameworks/sources.ts that was read verbatim in the
 * primary text (Légifrance / cnil.fr); `checkedAgainst` says where the figure itself was checked, and its
 * absence means the figure is cited without having been checked against the text.
 */
import { SOURCES, type SourceId, type SourceStatus } from './sources';

/** The status of a figure. `law` exists for completeness: no rule figure comes from the GDPR. */
export type ThresholdBasis = Exclude<SourceStatus, 'reference-case'> | 'art32-default' | 'controller-input';

export const THRESHOLD_BASIS_LABEL: Record<ThresholdBasis, string> = {
  law: 'GDPR article (law)',
  'cnil-recommendation': 'CNIL recommendation (non-binding state of the art)',
  'industry-practice': 'industry practice (CIS / AWS / published research)',
  'art32-default': 'art32 default (no text sets this figure; the controller calibrates it)',
  'controller-input': "controller's input (a fact about the organisation, not a threshold)",
};

export interface ThresholdSource {
  /** The parameter's name, or the name of a fixed criterion (`fixed` set). */
  name: string;
  /** For a criterion fixed in the rule's code (not a parameter): its value in words. */
  fixed?: string;
  basis: ThresholdBasis;
  /**
   * The texts the figure rests on or implements, most direct first. For `law`,
   * `cnil-recommendation` and `industry-practice` the first one has that status.
   */
  sources: SourceId[];
  /** What the source says that gives this figure — our words, not a quotation. */
  sentence: string;
  /** A French sentence of `SOURCES[quote.source].quotes[quote.index]`, read in the primary text. */
  quote?: { source: SourceId; index: number };
  /** Where the figure itself was checked; absent = cited without having been checked. */
  checkedAgainst?: string;
  /** How art32 gets from the source to its default, when it is not the source's figure as is. */
  derivation?: string;
}

const SECONDARY_2022_100 =
  "secondary summaries of délib. 2022-100's table (avocatspi.com, January 2023; ginestie.com; saas-production.com, 2025), not the JORF text itself";
const CIS_VERSIONS =
  'CIS v1.2.0 control 1.3 (90 days, as listed by Steampipe and JupiterOne); CIS v1.4 AWS Config conformance pack (MaxCredentialUsageAge 45, MaxAccessKeyAge 90); Tenable audit of CIS v7.0.0, 2.11 (45 days)';
const CNIL_LOGGING_TABLE = "the CNIL's summary table of délib. 2021-122 (cnil.fr news item) as reproduced by commu-net.fr and dastra.eu";

export const THRESHOLD_SOURCES: Record<string, ThresholdSource[]> = {
  'auth.password-policy-present': [
    {
      name: 'customPolicy',
      fixed: 'an account password policy is set (otherwise the AWS default applies: 8 characters, 3 of 4 character classes)',
      basis: 'cnil-recommendation',
      sources: ['cnil2022_100', 'awsPasswordPolicy'],
      sentence: 'Délib. 2022-100 recommends that the controller set and impose the length and complexity of passwords; without a custom policy IAM applies its own default.',
    },
  ],
  'auth.password-strength': [
    {
      name: 'minimumEntropyBits',
      basis: 'cnil-recommendation',
      sources: ['cnil2022_100'],
      sentence: 'For a password used alone (case 1), the CNIL recommends a minimum entropy of 80 bits and gives example policies that meet it.',
      checkedAgainst: SECONDARY_2022_100,
    },
    {
      name: 'restrictedAccessMinimumEntropyBits',
      basis: 'cnil-recommendation',
      sources: ['cnil2022_100'],
      sentence: 'When access to the account is restricted (case 2: time-delay, captcha or blocking after repeated failures), the CNIL recommends a minimum entropy of 50 bits.',
      checkedAgainst: SECONDARY_2022_100,
      derivation: 'Applied only when a compensating control is declared in the register with its parameters and evidence: IAM itself offers no lockout, captcha or delay (awsIamNoLockout).',
    },
    {
      name: 'mfaMitigatedMinimumEntropyBits',
      basis: 'art32-default',
      sources: ['cnil2022_100', 'cnilGuide4'],
      sentence: 'The 80 bits are for a password used alone; with multi-factor authentication the password is not used alone (fiche 4 recommends MFA). The recommendation does not list MFA among its case-2 restrictions.',
      derivation: 'art32 reuses the case-2 figure (50 bits) when every console user has active MFA and reports WARN, not PASS, so the choice stays visible.',
    },
    {
      name: 'cnilExample12Characters4Classes',
      fixed: 'a policy of ≥ 12 characters requiring all 4 classes passes (the CNIL example; 78.7 bits by the IAM alphabet)',
      basis: 'cnil-recommendation',
      sources: ['cnil2022_100'],
      sentence: 'The recommendation gives 12 characters with upper case, lower case, digits and special characters as an example that meets case 1.',
      checkedAgainst: 'several public reproductions of the CNIL examples (2022-2023)',
    },
    {
      name: 'cnilExample14Characters3Classes',
      fixed: 'a policy of ≥ 14 characters requiring upper case, lower case and digits passes (the CNIL example)',
      basis: 'cnil-recommendation',
      sources: ['cnil2022_100'],
      sentence: 'The recommendation gives 14 characters with upper case, lower case and digits and no special character imposed as an example that meets case 1.',
      checkedAgainst: 'several public reproductions of the CNIL examples (2022-2023)',
    },
    {
      name: 'cnilExample8Characters3Classes',
      fixed: 'with a declared restriction of access, a policy of ≥ 8 characters requiring ≥ 3 classes passes as "PASS (declared, not verified)"',
      basis: 'cnil-recommendation',
      sources: ['cnil2022_100'],
      sentence: 'For case 2 (restricted access), art32 takes 8 characters with 3 of the 4 classes as the example that meets the 50 bits.',
      derivation: 'This example was not checked against the text of délib. 2022-100 (public summaries of the CNIL advice that preceded it give it); by the IAM alphabet 8 characters of 3 classes is 47.6 bits.',
    },
    {
      name: 'lockoutMaxFailures',
      fixed: 'a declared lockout counts only if it blocks after ≤ 10 failures',
      basis: 'cnil-recommendation',
      sources: ['cnil2022_100'],
      sentence: 'Case 2 of the recommendation counts the blocking of the account after a limited number of failures as a restriction of access; art32 uses 10 as that limit.',
      derivation: 'The figure 10 was not checked against the text of délib. 2022-100 (it appears in public summaries of the CNIL advice that preceded it).',
    },
    {
      name: 'timeDelay',
      fixed: 'a declared time-delay counts only if it grows exponentially, is > 60 s after ≤ 5 failures and allows ≤ 25 failures per 24 h',
      basis: 'cnil-recommendation',
      sources: ['cnil2022_100'],
      sentence: 'Case 2 of the recommendation counts a time-delay of access after failures as a restriction of access, with parameters for the delay.',
      derivation: 'The parameters (exponential, > 1 min after 5 failures, ≤ 25 failures in 24 h) were taken from the project design notes and were not checked against the text of délib. 2022-100.',
    },
  ],
  'auth.root-mfa': [
    {
      name: 'rootMfa',
      fixed: 'the root user has MFA (FAIL otherwise)',
      basis: 'industry-practice',
      sources: ['cisAwsIdentity', 'cnilGuide4'],
      sentence: 'The CIS benchmark recommends MFA on the root user; fiche 4 of the CNIL guide recommends multi-factor authentication, especially for privileged accounts.',
    },
    {
      name: 'hardwareMfaPreferred',
      fixed: 'a virtual MFA device on the root user is a WARN',
      basis: 'industry-practice',
      sources: ['cisAwsIdentity'],
      sentence: 'The CIS benchmark recommends hardware MFA for the root user.',
    },
  ],
  'auth.console-mfa': [
    {
      name: 'consoleUserMfa',
      fixed: 'every IAM user with a console password has an active MFA device',
      basis: 'cnil-recommendation',
      sources: ['cnilGuide4', 'cisAwsIdentity'],
      sentence: 'Fiche 4 of the CNIL guide recommends multi-factor authentication; the CIS benchmark recommends MFA for every IAM user with a console password.',
    },
  ],
  'auth.root-access-keys': [
    {
      name: 'rootAccessKeys',
      fixed: 'no access key on the root user',
      basis: 'industry-practice',
      sources: ['cisAwsIdentity', 'cnilGuide9'],
      sentence: 'The CIS benchmark recommends that no root user access key exist; fiche 9 of the CNIL guide recommends a specific policy for administrator accounts.',
    },
  ],
  'auth.root-usage': [
    {
      name: 'recentDays',
      basis: 'art32-default',
      sources: ['awsRootUsage', 'cnilGuide9'],
      sentence: 'AWS advises against using the root user for everyday tasks and to monitor its use; no text sets a look-back period.',
      derivation: '90 days is the look-back art32 uses for root sign-ins and root keys.',
    },
  ],
  'auth.passwords-predating-policy': [
    {
      name: 'policyUpdatedAt',
      basis: 'controller-input',
      sources: ['awsPasswordPolicy'],
      sentence: 'IAM applies most password policy settings only the next time a user changes the password, and does not record when the policy changed: the controller states that date.',
    },
  ],
  'access.stale-credentials': [
    {
      name: 'maxUnusedDays',
      basis: 'industry-practice',
      sources: ['cisAws'],
      sentence: 'The CIS benchmark recommends disabling credentials unused for 90 days or more in v1.2.0, and for 45 days or more from v1.4.0 on.',
      checkedAgainst: CIS_VERSIONS,
      derivation: 'art32 keeps the v1.2.0 figure (90 days) by default; set 45 to follow the current benchmark.',
    },
    {
      name: 'maxKeyAgeDays',
      basis: 'industry-practice',
      sources: ['cisAws'],
      sentence: 'The CIS benchmark recommends rotating access keys every 90 days or less.',
      checkedAgainst: CIS_VERSIONS,
    },
  ],
  'access.admin-principals': [
    {
      name: 'breakGlassRoles',
      basis: 'controller-input',
      sources: ['cnilGuide9', 'gdpr25_2'],
      sentence: 'The roles the controller designates for emergency administration; fiche 9 recommends a specific policy for administrators and Art. 25(2) limits accessibility to what is necessary.',
    },
  ],
  'access.wildcard-data-access': [
    {
      name: 'serviceWildcards',
      basis: 'art32-default',
      sources: ['gdpr25_2', 'cnilGuide5'],
      sentence: 'Art. 25(2) limits the accessibility of personal data to what is necessary; fiche 5 recommends least privilege.',
      derivation: 'art32 treats a whole-service wildcard on a data store (s3:*, dynamodb:*) on every resource as beyond what is necessary.',
    },
    {
      name: 'dataActions',
      basis: 'art32-default',
      sources: ['gdpr25_2', 'cnilGuide5'],
      sentence: 'Art. 25(2) limits the accessibility of personal data to what is necessary; fiche 5 recommends least privilege.',
      derivation: 'The list of bulk-read actions is art32\'s; kms:Decrypt is left out (a key permission, not a store read).',
    },
  ],
  'access.permission-breadth': [
    {
      name: 'maxActions',
      basis: 'art32-default',
      sources: ['cnilGuide5', 'gdpr25_2'],
      sentence: 'Fiche 5 recommends least privilege; no text gives a number of actions.',
      derivation: '500 distinct actions is art32\'s ceiling for a non-admin principal.',
    },
    {
      name: 'maxDataReadOnAll',
      basis: 'art32-default',
      sources: ['gdpr25_2', 'cnilSan2026_003'],
      sentence: 'Art. 25(2) limits accessibility to what is necessary; the public summaries of SAN-2026-003 name over-broad habilitations.',
      derivation: 'art32 allows no data-read action on every resource (0) by default.',
    },
    {
      name: 'maxPermissionsManagementOnAll',
      basis: 'art32-default',
      sources: ['cnilGuide9', 'cnilGuide5'],
      sentence: 'Fiche 9 recommends a specific policy for administrators; fiche 5 recommends least privilege.',
      derivation: 'art32 allows no permissions-management action on every resource (0) outside administrators.',
    },
    {
      name: 'outlierZScore',
      basis: 'industry-practice',
      sources: ['iglewiczHoaglin'],
      sentence: 'Iglewicz and Hoaglin recommend labelling as potential outliers the values whose modified z-score exceeds 3.5.',
    },
    {
      name: 'outlierMinActions',
      basis: 'art32-default',
      sources: ['iglewiczHoaglin'],
      sentence: 'A robust outlier test says nothing about whether a small value matters.',
      derivation: 'Principals with fewer than 100 actions are never reported as outliers.',
    },
    { name: 'allowList', basis: 'controller-input', sources: ['cnilGuide9'], sentence: 'Break-glass principals the controller designates; noted in the finding, not judged.' },
    {
      name: 'maxTrendPrincipals',
      basis: 'art32-default',
      sources: [],
      sentence: 'A size limit of the evidence record (principals kept for the trend), not a judgement.',
    },
  ],
  'access.privilege-escalation': [
    { name: 'allowList', basis: 'controller-input', sources: ['cnilGuide9'], sentence: 'Break-glass principals the controller designates; noted in the finding, not judged.' },
    {
      name: 'includeConditional',
      basis: 'art32-default',
      sources: ['rhinoEscalation'],
      sentence: 'The published escalation methods work with the permissions alone; a condition may or may not stop them.',
      derivation: 'Conditional paths are reported by default; set false to report unconditional paths only.',
    },
  ],
  'access.admin-credentials': [
    {
      name: 'maxActiveKeys',
      basis: 'industry-practice',
      sources: ['awsAdminCredentials', 'cnilGuide9'],
      sentence: 'AWS recommends temporary credentials for people and removing long-term access keys; fiche 9 recommends a specific policy for administrators.',
    },
  ],
  'access.unused-roles': [
    {
      name: 'maxUnusedDays',
      basis: 'industry-practice',
      sources: ['awsUnusedAccess90', 'cnilGuide5'],
      sentence: 'IAM Access Analyzer tracks unused access over 90 days by default; fiche 5 recommends removing unused accounts.',
    },
    { name: 'breakGlassRoles', basis: 'controller-input', sources: ['cnilGuide9'], sentence: 'Emergency roles the controller designates: unused by design, so not reported.' },
    {
      name: 'includeServiceLinkedRoles',
      basis: 'art32-default',
      sources: ['awsUnusedAccess90'],
      sentence: 'Service-linked roles are created and deleted by the AWS service that uses them.',
      derivation: 'Left out by default; set true to report them too.',
    },
  ],
  'access.cross-account-trust': [
    { name: 'trustedAccounts', basis: 'controller-input', sources: ['cnilGuide5'], sentence: 'The accounts the controller knows and trusts (partners, its own organisation).' },
    {
      name: 'requireMfaForAccountRoot',
      basis: 'cnil-recommendation',
      sources: ['cnilGuide4'],
      sentence: 'Fiche 4 recommends multi-factor authentication, especially for access from outside.',
    },
  ],
  'auth.federated-access': [
    {
      name: 'maxAdminSessionHours',
      basis: 'industry-practice',
      sources: ['awsPermissionSetSession', 'cnilGuide4'],
      sentence: 'AWS gives an IAM Identity Center permission set a one-hour session unless it is changed (up to 12 hours); fiche 4 recommends strong authentication for privileged accounts.',
      derivation: "art32 applies AWS's one-hour default to administrator-equivalent access only; other federated access is reported, not judged on its session.",
    },
  ],
  'logging.log-tamper-access': [
    {
      name: 'logAdmins',
      basis: 'controller-input',
      sources: ['cnilGuide16'],
      sentence: 'The log administrators the controller designates; fiche 16 recommends keeping traces out of reach of those whose activity is traced.',
    },
    {
      name: 'storageOutOfReach',
      fixed: 'log files in another account or under S3 Object Lock',
      basis: 'art32-default',
      sources: ['cnilGuide16', 'cnil2021_122'],
      sentence: 'Fiche 16 and délib. 2021-122 recommend protecting traces against alteration; neither names a mechanism.',
      derivation: "A log-archive account or Object Lock is art32's reading of 'out of reach' on AWS: an administrator of this account cannot erase the files.",
    },
  ],
  'logging.cloudtrail-multi-region': [
    {
      name: 'allRegions',
      fixed: 'a trail records in every region',
      basis: 'industry-practice',
      sources: ['cisAwsLogging'],
      sentence: 'The CIS benchmark recommends CloudTrail enabled in all regions.',
    },
    {
      name: 'readAndWriteEvents',
      fixed: 'the trail records read and write management events',
      basis: 'cnil-recommendation',
      sources: ['cnil2021_122', 'cnilGuide16'],
      sentence: 'Délib. 2021-122 recommends logging access, creation, modification and deletion. It is aimed at application logs; CloudTrail management events are the infrastructure counterpart.',
    },
  ],
  'logging.log-integrity': [
    {
      name: 'logFileValidation',
      fixed: 'log file validation is enabled on the multi-region logging trails',
      basis: 'cnil-recommendation',
      sources: ['cnil2021_122', 'cisAwsLogging'],
      sentence: 'Délib. 2021-122 recommends protecting logging data from alteration; the CIS benchmark recommends CloudTrail log file validation.',
    },
  ],
  'logging.log-encryption': [
    {
      name: 'customerManagedKey',
      fixed: 'the trail logs are encrypted with a customer-managed KMS key',
      basis: 'industry-practice',
      sources: ['cisAwsLogging', 'awsS3DefaultEncryption'],
      sentence: 'The CIS benchmark recommends encrypting CloudTrail logs at rest with KMS keys. S3 encrypts every new object with SSE-S3 since 5 January 2023, so the check is about who controls the key, not whether logs are encrypted.',
    },
  ],
  'logging.automated-analysis': [
    {
      name: 'requireUnauthorizedCallsFilter',
      basis: 'industry-practice',
      sources: ['cisAwsLogging', 'cnil2021_122'],
      sentence: 'The CIS benchmark recommends a metric filter and alarm for unauthorized API calls; délib. 2021-122 recommends analysing logs automatically.',
    },
    {
      name: 'requireGuardDutyS3Protection',
      basis: 'industry-practice',
      sources: ['awsGuardDutyS3'],
      sentence: 'GuardDuty S3 Protection analyses S3 data events; without it GuardDuty does not look at reads of personal-data buckets.',
    },
  ],
  'logging.retention': [
    {
      name: 'minimumDays',
      basis: 'cnil-recommendation',
      sources: ['cnil2021_122', 'awsCloudWatchRetention'],
      sentence: 'Délib. 2021-122 recommends keeping logging data between six months and one year.',
      checkedAgainst: 'Next INpact (November 2021), quoting the JORF text',
      derivation: 'Six months = 180 days, the CloudWatch Logs retention setting for 6 months.',
    },
    {
      name: 'maximumDays',
      basis: 'cnil-recommendation',
      sources: ['cnil2021_122', 'gdpr5_1_e'],
      sentence: 'Délib. 2021-122 recommends keeping logging data between six months and one year; Art. 5(1)(e) (storage limitation) is the legal bound.',
      checkedAgainst: 'Next INpact (November 2021), quoting the JORF text',
    },
    {
      name: 'internalControlMaximumDays',
      basis: 'cnil-recommendation',
      sources: ['cnil2021_122'],
      sentence: 'For processing subject to internal-control measures, with documented analysis procedures, the CNIL accepts up to three years in the most common cases; longer periods for a legal obligation are assessed case by case.',
      checkedAgainst: CNIL_LOGGING_TABLE,
      derivation: 'Applied only with a `retention` declaration in the register (internal control up to 1095 days; a declared legal obligation allows more).',
    },
  ],
  'logging.personal-data-events': [
    {
      name: 'tagKey',
      basis: 'controller-input',
      sources: ['cnil2021_122'],
      sentence: 'Délib. 2021-122 recommends logging access to the data; which stores hold personal data is the controller\'s to say, by tagging them.',
    },
    { name: 'tagValues', basis: 'controller-input', sources: ['cnil2021_122'], sentence: 'The tag values that mark a store as holding personal data (compared case-insensitively).' },
  ],
  'logging.delivery-health': [
    {
      name: 'maxDeliveryAgeHours',
      basis: 'art32-default',
      sources: ['awsTrailStatus', 'cnilGuide16'],
      sentence: 'GetTrailStatus reports the last delivery and its errors; no text gives a delay.',
      derivation: '24 hours without a delivery from a logging trail is art32\'s tolerance.',
    },
  ],
  'monitoring.abnormal-activity': [
    {
      name: 'maxErrorRate',
      basis: 'art32-default',
      sources: ['cnil2021_122', 'cnilSan2026_003Rapporteur'],
      sentence: 'Délib. 2021-122 recommends analysing logs to detect abnormal behaviour; the rapporteur in SAN-2026-003 noted a 69 % error rate on the abused accounts (as quoted in Legal Watch No. 91).',
      derivation: '20 % access-denied calls (with ≥ 100 calls) is art32\'s default, well below the case\'s figure.',
    },
    { name: 'minCallsForErrorRate', basis: 'art32-default', sources: [], sentence: 'A rate over a handful of calls is noise.', derivation: 'At least 100 calls before the error rate is judged.' },
    { name: 'errorKind', basis: 'art32-default', sources: [], sentence: 'Access-denied errors are the signal of probing; other errors are mostly operational.' },
    {
      name: 'maxDataReadBytesPerDay',
      basis: 'art32-default',
      sources: ['cnilSan2026_003Rapporteur', 'cnil2021_122'],
      sentence: 'The rapporteur in SAN-2026-003 noted 9 GB extracted on 6 February 2024 (as quoted in Legal Watch No. 91).',
      derivation: '1 GB read per principal per day is art32\'s default.',
    },
    { name: 'maxDataReadRecordsPerDay', basis: 'art32-default', sources: ['cnil2021_122'], sentence: 'Bulk reads are an exfiltration signal; délib. 2021-122 recommends analysing logs to detect abnormal behaviour.', derivation: '100,000 records per principal per day.' },
    {
      name: 'maxOffHoursShare',
      basis: 'art32-default',
      sources: ['cnil2021_122', 'cnilGuide16'],
      sentence: 'Activity outside working hours is a security signal only: reusing traces for another purpose (such as counting working hours) may be a misuse of purpose.',
      derivation: '30 % of a principal\'s calls outside working hours (with ≥ 50 calls) is art32\'s default; see docs/activity.md on the purpose.',
    },
    { name: 'minCallsForOffHours', basis: 'art32-default', sources: [], sentence: 'A share over a handful of calls is noise.', derivation: 'At least 50 calls before the off-hours share is judged.' },
    {
      name: 'workdayStartHour',
      basis: 'controller-input',
      sources: ['cnilGuide16'],
      sentence: "The organisation's working hours, used only to weight security signals — never to count anyone's working time.",
    },
    { name: 'workdayEndHour', basis: 'controller-input', sources: ['cnilGuide16'], sentence: "The organisation's working hours (end, exclusive)." },
    { name: 'workingDays', basis: 'controller-input', sources: ['cnilGuide16'], sentence: "The organisation's working days (ISO weekdays)." },
    {
      name: 'outlierZScore',
      basis: 'industry-practice',
      sources: ['iglewiczHoaglin'],
      sentence: 'Iglewicz and Hoaglin recommend labelling as potential outliers the values whose modified z-score exceeds 3.5.',
    },
    { name: 'minPeers', basis: 'art32-default', sources: ['iglewiczHoaglin'], sentence: 'A median and MAD over very few peers are not robust.', derivation: 'At least 8 peers of the same identity type.' },
    { name: 'minHistory', basis: 'art32-default', sources: ['iglewiczHoaglin'], sentence: 'A median and MAD over very few runs are not robust.', derivation: 'At least 5 previous values.' },
    { name: 'outlierFloors', basis: 'art32-default', sources: [], sentence: 'Values below these floors are never outliers (a jump from 2 to 20 calls is noise).' },
    { name: 'minCoverage', basis: 'art32-default', sources: [], sentence: 'A read that covers too little of the window is not judged (ERROR), never passed.', derivation: 'At least half the window.' },
    { name: 'maxListedMetrics', basis: 'art32-default', sources: [], sentence: 'A size limit of the evidence record (principals listed), not a judgement.' },
  ],
  'data.public-exposure': [
    { name: 'tagKey', basis: 'controller-input', sources: ['gdpr25_2'], sentence: 'Which stores hold personal data is the controller\'s to say, by tagging them; an untagged store is judged as possibly personal (WARN).' },
    { name: 'tagValues', basis: 'controller-input', sources: ['gdpr25_2'], sentence: 'The tag values that mark a store as holding personal data (compared case-insensitively).' },
    {
      name: 'notPublic',
      fixed: 'no bucket policy or ACL grants everyone (unless S3 Block Public Access neutralises it), no RDS database publicly accessible, no snapshot restorable by all',
      basis: 'art32-default',
      sources: ['gdpr25_2', 'cnilGuide22'],
      sentence: 'Art. 25(2) provides that by default personal data are not made accessible to an indefinite number of persons; fiche 22 recommends least privilege in the cloud.',
      derivation: "These AWS settings are art32's reading of 'an indefinite number of persons' on AWS.",
    },
  ],
  'data.encryption-at-rest': [
    { name: 'tagKey', basis: 'controller-input', sources: ['gdpr32_1_a'], sentence: 'Which stores hold personal data is the controller\'s to say, by tagging them; an untagged store is judged as possibly personal (WARN).' },
    { name: 'tagValues', basis: 'controller-input', sources: ['gdpr32_1_a'], sentence: 'The tag values that mark a store as holding personal data (compared case-insensitively).' },
    {
      name: 'requireKmsKey',
      basis: 'art32-default',
      sources: ['gdpr32_1_a', 'awsS3DefaultEncryption'],
      sentence: 'Art. 32(1)(a) names encryption without naming a key scheme; S3 encrypts new objects with S3-managed keys by default.',
      derivation: 'Off by default: service-managed encryption counts, and the key type is reported; set true to require a KMS key (key policy, audit of key use).',
    },
    {
      name: 'requireSecureTransport',
      basis: 'cnil-recommendation',
      sources: ['cnilGuide22'],
      sentence: 'Fiche 22 recommends encrypting data in transit as well as at rest; a bucket-policy Deny on aws:SecureTransport = false refuses plain HTTP.',
    },
    {
      name: 'ebsEncryptionByDefault',
      fixed: 'EBS encryption by default is on in every Region read (WARN otherwise)',
      basis: 'art32-default',
      sources: ['cnilGuide22'],
      sentence: 'Fiche 22 recommends encryption at rest in the cloud.',
      derivation: 'Volumes are not tied to personal-data tags here, so the account setting is a warning, not a failure.',
    },
  ],
  'data.backups': [
    { name: 'tagKey', basis: 'controller-input', sources: ['gdpr32_1_c'], sentence: 'Which stores hold personal data is the controller\'s to say, by tagging them; untagged stores are named as not judged.' },
    { name: 'tagValues', basis: 'controller-input', sources: ['gdpr32_1_c'], sentence: 'The tag values that mark a store as holding personal data (compared case-insensitively).' },
    {
      name: 'maxBackupAgeDays',
      basis: 'art32-default',
      sources: ['cnilGuide17', 'gdpr32_1_c'],
      sentence: 'Fiche 17 recommends regular backups; Art. 32(1)(c) asks for timely restoration. Neither gives a frequency.',
      derivation: 'An AWS Backup recovery point older than 7 days no longer counts: a weekly plan is the slowest art32 accepts by default.',
    },
    {
      name: 'requireAwsBackup',
      basis: 'art32-default',
      sources: ['cnilGuide17'],
      sentence: 'Fiche 17 recommends protected copies; versioning and PITR live in the same store and account.',
      derivation: 'Off by default (the store\'s own recovery counts); set true to require an AWS Backup copy.',
    },
  ],
  'data.location': [
    { name: 'tagKey', basis: 'controller-input', sources: ['gdprChapterV'], sentence: 'Which stores hold personal data is the controller\'s to say, by tagging them; an untagged store outside the allowed Regions is named too.' },
    { name: 'tagValues', basis: 'controller-input', sources: ['gdprChapterV'], sentence: 'The tag values that mark a store as holding personal data (compared case-insensitively).' },
    {
      name: 'allowedRegions',
      basis: 'art32-default',
      sources: ['gdprChapterV', 'cnilGuide22'],
      sentence: 'Chapter V governs transfers of personal data to countries outside the EU/EEA; fiche 22 recommends knowing where cloud data is located.',
      derivation:
        "The AWS commercial Regions located in EU/EEA member states (eu-central-1 Frankfurt, eu-north-1 Stockholm, eu-south-1 Milan, eu-south-2 Spain, eu-west-1 Ireland, eu-west-3 Paris). London and Zurich are outside the EU/EEA; the controller adds a Region once the transfer's basis is documented.",
    },
  ],
  'governance.evidence-continuity': [
    {
      name: 'maxGapHours',
      basis: 'art32-default',
      sources: ['gdpr32_1_d', 'cnilGuide1', 'gdpr24_1'],
      sentence: 'Art. 32(1)(d) asks for a process for regularly testing and evaluating the measures; fiche 1 recommends checking periodically that they are effective. Neither gives a period.',
      derivation: '36 hours = a daily collection with 12 hours of slack.',
    },
    { name: 'lookbackDays', basis: 'art32-default', sources: ['gdpr32_1_d'], sentence: 'The window over which gaps are looked for.', derivation: '30 days.' },
  ],
};

/** The entries for a rule ([] when the rule has none — a test forbids that for registered rules). */
export function thresholdSourcesFor(ruleId: string): ThresholdSource[] {
  return THRESHOLD_SOURCES[ruleId] ?? [];
}

/** The checked French sentence of an entry, « fr » (en), or undefined. */
export function thresholdQuote(entry: ThresholdSource): string | undefined {
  if (!entry.quote) return undefined;
  const q = (SOURCES[entry.quote.source] as { quotes?: readonly { fr: string; en: string }[] }).quotes?.[entry.quote.index];
  return q ? `« ${q.fr} » (${q.en})` : undefined;
}

/** Short names of an entry's sources for one-line displays (the citation up to its first colon or dash). */
export function shortCitation(id: SourceId): string {
  const c = SOURCES[id].citation;
  const cut = c.search(/ — |: /);
  return cut > 0 ? c.slice(0, cut) : c;
}
