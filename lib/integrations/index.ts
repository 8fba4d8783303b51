export * from './events';
export * from './security-hub';
