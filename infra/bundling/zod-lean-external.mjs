// Bundle-time stand-in for zod's `v4/classic/external.js` (zod 4.x), used ONLY when esbuild
// bundles a Lambda (alias `zod` → ./zod-lean.mjs, see infra/constructs/art32-function.ts).
//
// Exactly the `z.*` members art32's bundled code calls. The code reaches zod as `z.object(...)`
// on one namespace object, and esbuild keeps every member of a namespace used that way: with
// zod's full list that is every locale (~250 KB), the JSON-schema converters, `z.compile` and
// every schema kind (~40 KB more). Listing the members lets esbuild drop the rest; schema
// methods (`.optional()`, `.min()`, `.refine()`…) live on the schema classes and are unaffected.
//
// A member missing here fails loudly, never silently: test/infra/bundles.test.ts checks every
// `z.<member>` in the bundled sources against this list, and `z` (zod-lean.mjs) throws a
// message naming this file on any other member.
export {
  array,
  boolean,
  discriminatedUnion,
  email,
  enum,
  literal,
  number,
  object,
  record,
  string,
  union,
  unknown,
  ZodError,
  ZodType,
} from "../../node_modules/zod/v4/classic/external.js";
