/**
 * One Lambda function of the collector, with the project's defaults in one place:
 * Node.js 24 on ARM64, minified ESM bundle with source maps built by the LOCAL esbuild
 * (never Docker, so `cdk synth` works offline), X-Ray tracing, its own log group with
 * a retention, and its own role that starts EMPTY — no AWS managed policy — so every
 * permission the function holds is written next to it in this stack.
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RemovalPolicy, type Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** Repository root: entries, the lockfile and tsconfig are resolved from here, not from cwd. */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The function runtime; the bundle target is derived from it (see `bundleOptions`). */
export const FUNCTION_RUNTIME = lambda.Runtime.NODEJS_24_X;
export const FUNCTION_ARCHITECTURE = lambda.Architecture.ARM_64;
export const BUNDLE_TARGET = 'node24';

/**
 * esbuild options shared by NodejsFunction and bench/bundle-size.ts, so the bench
 * measures what is deployed.
 * - ESM output: middy v6 and Powertools ship ESM; the banner gives bundled CommonJS
 *   dependencies (aws-xray-sdk-core) a real `require` for Node built-ins.
 * - The AWS SDK is bundled (not taken from the runtime) so the deployed code runs
 *   exactly the SDK version the tests ran, tree-shaken to the clients used.
 */
/**
 * Lean stand-ins, for Lambda bundles only (infra/bundling/, each file says what it drops):
 * - `zod`: only the `z.*` members the bundled code calls. Through zod's own entry esbuild
 *   keeps every member of the `z` namespace: every locale (~290 KB of a ~650 KB bundle), the
 *   JSON-schema converters, `z.compile`, every schema kind (~70 KB more).
 * - `@aws-sdk/credential-provider-node`: the default credential chain without the SSO,
 *   ~/.aws, process and web-identity providers and the nested clients they pull in
 *   (~90 KB per bundle); Lambda supplies credentials in the environment.
 * - `semver`: only `gte`, the one function its one importer (aws-xray-sdk-core, under the
 *   Powertools tracer) calls, and only from its SDK v2 patcher (~29 KB).
 * - `@aws-sdk/endpoint-cache`: DynamoDB's endpoint-discovery cache on a Map instead of
 *   mnemonist's LRU (~7 KB).
 */
export const BUNDLE_ALIASES: Record<string, string> = {
  zod: path.join(PROJECT_ROOT, 'infra', 'bundling', 'zod-lean.mjs'),
  '@aws-sdk/credential-provider-node': path.join(PROJECT_ROOT, 'infra', 'bundling', 'credential-provider-lambda.mjs'),
  semver: path.join(PROJECT_ROOT, 'infra', 'bundling', 'semver-lean.mjs'),
  '@aws-sdk/endpoint-cache': path.join(PROJECT_ROOT, 'infra', 'bundling', 'endpoint-cache-lean.mjs'),
};

/** The tsconfig esbuild applies to every bundled file (NodejsFunction passes it explicitly). */
export const BUNDLE_TSCONFIG = path.join(PROJECT_ROOT, 'tsconfig.json');

export const ESM_REQUIRE_BANNER = "import{createRequire as __art32CreateRequire}from'module';const require=__art32CreateRequire(import.meta.url);";

/** Function names (folder names under functions/). */
export type FunctionName = 'list-accounts' | 'collect-account' | 'finalize-run' | 'send-report' | 'publish-findings' | 'list-activity-logs' | 'read-activity-logs';

export function functionEntry(name: FunctionName): string {
  return path.join(PROJECT_ROOT, 'functions', name, 'handler.ts');
}

/**
 * Data files a function reads at run time from beside its `index.mjs` (paths relative to
 * the project root), copied into the asset after bundling instead of being inlined into
 * the JavaScript. The IAM action catalog (~470 KiB of JSON) is read on the first breadth
 * evaluation (`catalogLocation()` in lib/breadth/catalog.ts); only collect-account
 * evaluates rules — send-report reads rule titles, never the catalog.
 */
export const FILES_BESIDE_BUNDLE: Record<FunctionName, readonly string[]> = {
  'list-accounts': [],
  'collect-account': ['lib/breadth/catalog.json'],
  'finalize-run': [],
  'send-report': [],
  'publish-findings': [],
  'list-activity-logs': [],
  'read-activity-logs': [],
};

/**
 * `afterBundling` commands copying `files` into the bundle's output folder. A `node -e`
 * copy rather than `cp`: CDK runs hooks with bash, cmd on Windows, or in the bundling image,
 * and node is the one command all three have.
 */
export function copyBesideBundleCommands(files: readonly string[], inputDir: string, outputDir: string): string[] {
  return files.map(
    (file) =>
      `node -e "require('node:fs').copyFileSync(process.argv[1], process.argv[2])" "${path.join(inputDir, file)}" "${path.join(outputDir, path.basename(file))}"`,
  );
}

export interface Art32FunctionProps {
  name: FunctionName;
  description: string;
  environment: Record<string, string>;
  timeout: Duration;
  memorySize?: number;
  /** Fixed IAM role name (only where another account must reference the role by ARN). */
  roleName?: string;
  logRetention: logs.RetentionDays;
}

export class Art32Function extends Construct {
  public readonly function: NodejsFunction;
  public readonly role: iam.Role;
  public readonly logGroup: logs.LogGroup;

  public constructor(scope: Construct, id: string, props: Art32FunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      // Logs are operational, not evidence (evidence is in the table): removable with the stack.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new iam.Role(this, 'Role', {
      roleName: props.roleName,
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `art32 ${props.name}: least privilege, no managed policies`,
    });
    // Exactly the two actions Lambda needs to write its own log group (instead of AWSLambdaBasicExecutionRole on *).
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [this.logGroup.logGroupArn] }),
    );

    this.function = new NodejsFunction(this, 'Function', {
      entry: functionEntry(props.name),
      handler: 'handler',
      description: props.description,
      runtime: FUNCTION_RUNTIME,
      architecture: FUNCTION_ARCHITECTURE,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      tracing: lambda.Tracing.ACTIVE,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      environment: { ...props.environment, NODE_OPTIONS: '--enable-source-maps' },
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: BUNDLE_TARGET,
        minify: true,
        sourceMap: true,
        bundleAwsSDK: true,
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
        tsconfig: BUNDLE_TSCONFIG,
        // dynalite is the CLI's embedded store; a Lambda never starts it.
        externalModules: ['dynalite'],
        esbuildArgs: { '--alias': Object.entries(BUNDLE_ALIASES).map(([from, to]) => `${from}=${to}`) },
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (inputDir, outputDir) => copyBesideBundleCommands(FILES_BESIDE_BUNDLE[props.name], inputDir, outputDir),
        },
      },
    });
  }
}
