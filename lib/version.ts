import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The tool version recorded in every snapshot and evidence record. */
export const TOOL_VERSION: string = (require('../package.json') as { version: string }).version;
