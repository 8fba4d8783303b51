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
export { EvidenceStore, PAYLOAD_MAX_CHARS, headerItem, planOf, DEFAULT_RETRY, WRITE_CONCURRENCY, dateBounds, recordItem, manifestItem, manifestSignatureOf, MANIFEST_ATTRIBUTES, parseRecordItem, parseManifestItem } from './store';
export type { EvidenceStoreOptions, StoreFaults, HeaderExtras, RetryPolicy, WriteRunResult, RunSummary, DateRange, HistoryQuery, Item, AccountItems } from './store';
export { recordRun, requirementIdsForRule, previousContext, buildRunRecords, collectionFailureOf, writeRunRecords } from './run';
export { planRun, recordRunLifecycle, writeRunLifecycle, fillRun, closeRun, sealOpenRuns, RunCloseError } from './lifecycle';
export type { ClosedRun, RecordRunOutcome, RunPlan, WrittenRun, FilledRun } from './lifecycle';
export type { RecordRunInput, RecordRunResult, PreviousContext } from './run';
export { verifyStore, verifyAccount, verifyAccountItems, verdictOf, checkRecordItem, recordIntegrity, INCOMPLETE_KINDS } from './verify';
export type { Problem, ProblemKind, AccountVerification, ExpiredRecord, VerificationResult, VerifyOptions, VerifyStoreOptions, RecordIntegrity } from './verify';
export { openStore, openEmbeddedStore, openAwsStore, defaultDataDir, startDynalite, localClient, ensureTable, DataDirError, DamagedStoreError } from './embedded';
export type { OpenStore, StoreLocation, EmbeddedServer, StoreAccess, EmbeddedOpenOptions } from './embedded';
export { acquireLock, readLock, liveHolder, waitForNoWriter, StoreBusyError, LOCK_FILE } from './lock';
export type { LockHolder, LockOptions, HeldLock } from './lock';
export { Sealer, SealRefusedError } from './seal';
export type { RunToSeal, SealResult, SealerOptions, SealOptions } from './seal';
export {
  SIGNATURE_ALGORITHM,
  SigningKeyError,
  ephemeralKeyPair,
  localSigner,
  localVerifier,
  kmsSigner,
  kmsVerifier,
  verifierFromPem,
  verifierFromFile,
  defaultKeyDir,
  localKeyId,
  spkiDerToPem,
  LOCAL_PRIVATE_KEY_FILE,
  LOCAL_PUBLIC_KEY_FILE,
} from './signing';
export type { ManifestSignature, ManifestSigner, SignatureVerifier } from './signing';
export { Anchor, ANCHOR_VERSION, AnchorError, anchorName, anchorBytes, defaultAnchorDir, directoryAnchors, s3Anchors, parseS3Url } from './anchor';
export type { AnchorStore, AnchorListing } from './anchor';
