/**
 * Exact citations shared by rules, taken from the one source table in
 * lib/frameworks/sources.ts (which also records each source's status: law, CNIL
 * recommendation, industry practice or reference case). Rules cite `REF.<id>`; a test pins
 * every rule's references to that table, so no rule carries a free-form citation.
 */
import { SOURCES, type SourceId } from '../../frameworks/sources';

export const REF = Object.fromEntries(Object.entries(SOURCES).map(([id, s]) => [id, s.citation])) as { readonly [K in SourceId]: (typeof SOURCES)[K]['citation'] };
