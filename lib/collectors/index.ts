/** Live collection from AWS accounts (SDK v3). */
export { collectAccount, type CollectAccountInput } from './collect-account';
export {
  DEFAULT_ACTIVITY_MAX_CALLS,
  DEFAULT_ACTIVITY_WINDOW_HOURS,
  LOOKUP_EVENTS_CALLS_PER_SECOND,
  MAX_ACTIVITY_WINDOW_HOURS,
  validateActivityCollection,
  type ActivityCollection,
  type S3LogReader,
} from './activity';
export { ApiCallCounter, attachApiCallCounter, mergeCounts, operationName, type CallCounts } from './api-calls';
export { createCollectorClients, DEFAULT_MAX_ATTEMPTS, type ClientSettings, type Credentials } from './clients';
export { DEFAULT_COLLECT_OPTIONS, type CollectOptions, type CollectorClients } from './types';
export {
  collectAccounts,
  resolveTargets,
  DEFAULT_CONCURRENCY,
  LiveSelectionError,
  type AccountOutcome,
  type AccountTarget,
  type LiveRunOptions,
  type LiveRunResult,
  type LiveSelection,
  type SkippedAccount,
} from './accounts';
export { assumeRoleProvider, accountOfRoleArn } from './assume-role';
export { collectLive, progressLine, resolveRegion, summaryLines, type LiveReporter, type LiveSourceOptions } from './live-source';
