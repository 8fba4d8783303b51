// Bundle-time stand-in for zod's `v4/classic/external.js` (zod 4.x), used ONLY when
// esbuild bundles a Lambda (alias `zod` → ./zod-lean.mjs, see infra/constructs/art32-function.ts).
// Same API minus `z.locales` (every language's error messages, ~250 KB minified: esbuild
// keeps a namespace re-export whole) and the JSON-schema converters, which no handler
// uses. A handler that needs one fails the build loudly ("No matching export"), never at run time.
// `core` (a namespace that re-exports every locale) is left out too.
export * from "../../node_modules/zod/v4/classic/schemas.js";
export * from "../../node_modules/zod/v4/classic/checks.js";
export * from "../../node_modules/zod/v4/classic/errors.js";
export * from "../../node_modules/zod/v4/classic/parse.js";
export * from "../../node_modules/zod/v4/classic/compat.js";
// Also left out: the `z.compile` fast path (compile, withParser, INVALID, ZodCompile*Error;
// ~30 KB), which no handler calls — parsing never goes through it unless asked.
export { globalRegistry, registry, config, memoizer, $output, $input, $brand, clone, regexes, treeifyError, prettifyError, formatError, flattenError, TimePrecision, util, NEVER, toZod, getDiscriminatedOption } from "../../node_modules/zod/v4/core/index.js";
export { deepPartial } from "../../node_modules/zod/v4/classic/deep-partial.js";
export { input, output } from "../../node_modules/zod/v4/classic/in-out.js";
export { ZodISODateTime, ZodISODate, ZodISOTime, ZodISODuration } from "../../node_modules/zod/v4/classic/iso.js";
export * as iso from "../../node_modules/zod/v4/classic/iso.js";
export * as coerce from "../../node_modules/zod/v4/classic/coerce.js";
