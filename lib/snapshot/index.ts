export * from './schema';
export { requireSection, MissingSectionError } from './sections';
export { credentialReportRow, type CredentialReportRowInput } from './credential-report';
