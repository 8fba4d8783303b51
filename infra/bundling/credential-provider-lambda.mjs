// Bundle-time stand-in for `@aws-sdk/credential-provider-node` (3.97x), used ONLY when esbuild
// bundles a Lambda (alias, see BUNDLE_ALIASES in infra/constructs/art32-function.ts).
//
// Every SDK client's default credential chain imports the SSO, shared-ini, process,
// web-identity and login providers, and with them the nested STS/SSO/SSO-OIDC/sign-in
// clients they call (~90 KiB minified per bundle). None of them can answer inside Lambda:
// there is no ~/.aws, no SSO cache, no token file. Lambda hands the execution role's
// credentials to the function in environment variables, so this chain keeps what the
// SDK's own chain would reach there — the same `fromEnv`, then the same container/instance
// metadata fallback (`remoteProvider`) — with the SDK's own memoisation and expiry rules.
// Clients given explicit credentials (the member-account clients) never call it.
// If these internal files move in a new SDK version the build fails ("Could not resolve"),
// never at run time.
import { fromEnv } from "@aws-sdk/credential-provider-env";
import { CredentialsProviderError } from "@smithy/core/config";
import { remoteProvider } from "../../node_modules/@aws-sdk/credential-provider-node/dist-es/remoteProvider.js";
import { memoizeChain } from "../../node_modules/@aws-sdk/credential-provider-node/dist-es/runtime/memoize-chain.js";

// The SDK's own expiry rules (credential-provider-node's defaultProvider.js), restated so this
// file does not import that module and, through it, the providers it leaves out.
export const credentialsWillNeedRefresh = (credentials) => credentials?.expiration !== undefined;
export const credentialsTreatedAsExpired = (credentials) =>
  credentials?.expiration !== undefined && credentials.expiration.getTime() - Date.now() < 300000;

export const defaultProvider = (init = {}) =>
  memoizeChain(
    [
      async () => {
        const profile = init.profile ?? process.env.AWS_PROFILE;
        if (profile) {
          // Say so rather than silently use other credentials than the profile asked for.
          throw new CredentialsProviderError(
            `AWS_PROFILE (${profile}) is set, but art32's Lambda bundles carry no shared-config (~/.aws) provider: unset it, Lambda supplies the role's credentials`,
            { logger: init.logger, tryNextLink: false },
          );
        }
        return fromEnv(init)();
      },
      async () => (await remoteProvider(init))(),
      async () => {
        throw new CredentialsProviderError("Could not load credentials from the environment or container/instance metadata (art32 Lambda credential chain)", {
          tryNextLink: false,
          logger: init.logger,
        });
      },
    ],
    credentialsTreatedAsExpired,
  );
