export * from './schema';
export { requireSection, MissingSectionError } from './sections';
export { credentialReportRow, rowsForKeys, type CredentialReportRowInput } from './credential-report';
