export * from './compliance-finding';
