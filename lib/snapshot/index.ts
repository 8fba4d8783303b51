export * from './schema';
export { requireSection, MissingSectionError } from './sections';
