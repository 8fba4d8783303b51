/**
 * Frameworks are data: requirement ids mapped to rule ids. Rules never know which
 * framework lists them, so one rule can serve GDPR and CNIL at once.
 */
import type { SourceId, SourceStatus } from './sources';

export interface Requirement {
  /** Stable id, e.g. `GDPR-32.1.b` or `CNIL-2022-100`. */
  id: string;
  /** Short title, e.g. "Art. 32(1)(b) — ongoing confidentiality, integrity, availability". */
  title: string;
  /** Short name used in labels, e.g. "Art. 32(1)(b)" or "CNIL délib. 2022-100". */
  shortName: string;
  /**
   * What the text is: `law` (GDPR), `cnil-recommendation` (délibérations, the security guide:
   * non-binding state of the art) or `reference-case` (a sanction: it informs checks and has
   * no status of its own). Drives every label and verb ("requires" only for law).
   */
  kind: Exclude<SourceStatus, 'industry-practice'>;
  /** The source in lib/frameworks/sources.ts. */
  sourceId: SourceId;
  /** The exact citation of the legal source. */
  citation: string;
  /** One or two sentences: what the text asks for or recommends, in plain words. */
  summary: string;
  ruleIds: string[];
}

export interface Framework {
  id: 'gdpr' | 'cnil';
  title: string;
  requirements: Requirement[];
}
