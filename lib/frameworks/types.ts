/**
 * Frameworks are data: requirement ids mapped to rule ids. Rules never know which
 * framework lists them, so one rule can serve GDPR and CNIL at once.
 */
export interface Requirement {
  /** Stable id, e.g. `GDPR-32.1.b` or `CNIL-2022-100`. */
  id: string;
  /** Short title, e.g. "Art. 32(1)(b) — ongoing confidentiality, integrity, availability". */
  title: string;
  /** The exact citation of the legal source. */
  citation: string;
  /** One or two sentences: what the text asks for, in plain words. */
  summary: string;
  ruleIds: string[];
}

export interface Framework {
  id: 'gdpr' | 'cnil';
  title: string;
  requirements: Requirement[];
}
