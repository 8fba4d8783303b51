/**
 * Evidence: dated, hashed, chained records of every run, in DynamoDB (or the embedded
 * dynalite store). See docs/evidence.md for the table layout and how to verify by hand.
 */
export * from './table';
export * from './record';
export { canonicalJson, sha256Hex, hashCanonical, CanonicalJsonError } from './canonical';
export { buildRecords, buildManifest, capList, hashRecord, hashManifest, recordBody, manifestBody, normaliseInstant, assertRunId, DEFAULT_CAPS, InvalidRunError } from './build';
export type { CapLimits, RequirementLookup, BuildRecordsInput } from './build';
export * from './errors';
export { EvidenceStore, PAYLOAD_MAX_CHARS, headerItem, planOf, DEFAULT_RETRY, WRITE_CONCURRENCY, dateBounds, recordItem, manifestItem, parseRecordItem, parseManifestItem } from './store';
export type { EvidenceStoreOptions, StoreFaults, HeaderExtras, RetryPolicy, WriteRunResult, WriteManifestResult, RunSummary, DateRange, HistoryQuery, Item, AccountItems } from './store';
export { recordRun, requirementIdsForRule, previousContext, buildRunRecords, collectionFailureOf } from './run';
export { planRun, recordRunLifecycle, closeRun, RunCloseError } from './lifecycle';
export type { ClosedRun, RecordRunOutcome, RunPlan } from './lifecycle';
export type { RecordRunInput, RecordRunResult, PreviousContext } from './run';
export { verifyStore, verifyAccount, verifyAccountItems, verdictOf } from './verify';
export type { Problem, ProblemKind, AccountVerification, VerificationResult } from './verify';
export { openStore, openEmbeddedStore, openAwsStore, defaultDataDir, startDynalite, localClient, ensureTable, DataDirError, DamagedStoreError } from './embedded';
export type { OpenStore, StoreLocation, EmbeddedServer, StoreAccess, EmbeddedOpenOptions } from './embedded';
export { acquireLock, readLock, liveHolder, waitForNoWriter, StoreBusyError, LOCK_FILE } from './lock';
export type { LockHolder, LockOptions, HeldLock } from './lock';
