// Bundle-time stand-in for `semver` (7.x), used ONLY when esbuild bundles a Lambda (alias, see
// BUNDLE_ALIASES in infra/constructs/art32-function.ts). Its one importer there is
// aws-xray-sdk-core (under the Powertools tracer), whose AWS SDK *v2* patcher calls
// `semver.gte(AWS.VERSION, '2.7.15')`; art32 uses SDK v3, so even that never runs. The
// whole package is ~29 KB minified per bundle, its own `gte` ~9 KB; this one ~0.3 KB and
// reads plain MAJOR.MINOR.PATCH versions only (anything else throws, naming the version).
// ESM: esbuild hands the patcher's `require('semver')` this module's namespace.
// bench/bundle-size.ts fails if anything else in a bundle starts importing semver.

function parse(version) {
  const match = /^v?(\d+)\.(\d+)\.(\d+)$/.exec(String(version).trim());
  if (!match) throw new TypeError(`art32 Lambda bundles compare plain MAJOR.MINOR.PATCH versions only (infra/bundling/semver-lean.mjs), got ${JSON.stringify(version)}`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

/** `a >= b`, as semver.gte for release versions. */
export function gte(a, b) {
  const x = parse(a);
  const y = parse(b);
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] > y[i];
  return true;
}
