// Imported (not read at run time) so bundlers inline it: a Lambda bundle has no package.json next to it.
import packageJson from '../package.json';

/** The tool version recorded in every snapshot and evidence record. */
export const TOOL_VERSION: string = packageJson.version;
