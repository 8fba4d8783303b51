// See zod-lean-external.mjs: the `zod` entry the Lambda bundles import instead of zod's own.
import * as z from "./zod-lean-external.mjs";
export * from "./zod-lean-external.mjs";
export { z, z as default };
