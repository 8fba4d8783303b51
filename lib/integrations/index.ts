export * from './events';
export * from './security-hub';
export * from './publish';
