/**
 * CloudTrail activity: streaming aggregation per principal (bounded memory), readers for
 * LookupEvents and trail log files (directory or S3 prefix), and the metrics that the
 * `monitoring.abnormal-activity` rule judges. See docs/activity.md.
 */
export * from './schema';
export * from './aggregator';
export * from './events';
export * from './distinct';
export * from './time-zone';
export * from './rate-limit';
export * from './log-files';
export * from './pool';
export * from './lookup-events';
export * from './metrics';
export * from './stats';
export * from './baselines';
export { compilePick, scanJson, selectJson, detachString, type Pick, type CompiledPick } from './scanner';
export { LOG_DOCUMENT_PICK, ingestScanned } from './record-digest';
