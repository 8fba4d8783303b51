// The `zod` entry Lambda bundles import instead of zod's own (see zod-lean-external.mjs for
// why, and for the list of members). `z` answers those members; any other member throws a
// message that says where to add it, instead of `undefined is not a function` somewhere later.
import * as members from "./zod-lean-external.mjs";

export * from "./zod-lean-external.mjs";

/** Property reads that are not zod members (module interop, promise checks, inspection). */
const NOT_MEMBERS = new Set(["then", "toJSON", "constructor", "__esModule", "default", "inspect"]);

export const z = new Proxy(members, {
  get(target, property) {
    if (property in target || typeof property === "symbol" || NOT_MEMBERS.has(property)) return target[property];
    throw new TypeError(`z.${property} is not in art32's Lambda build of zod: add it to infra/bundling/zod-lean-external.mjs`);
  },
});
export default z;
