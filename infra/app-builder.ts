/**
 * Builds the art32 CDK app from a parsed configuration. `infra/app.ts` (the `cdk` entry)
 * and the infra tests both call this, so the tests check the app that gets deployed.
 */
import { App, Aws, BootstraplessSynthesizer, type AppProps, Validations } from 'aws-cdk-lib';
import type { PolicyDocument } from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CONFIG_CONTEXT_KEY, ConfigError, parseConfig, type Art32Config } from '../lib/config';
import { AnchorStack } from './stacks/anchor-stack';
import { GuardrailsStack } from './stacks/guardrails-stack';
import { CollectorStack } from './stacks/collector-stack';
import { MemberAccountStack } from './stacks/member-account-stack';

export const COLLECTOR_STACK_ID = 'Art32Collector';
export const MEMBER_STACK_ID = 'Art32MemberRole';
export const ANCHOR_STACK_ID = 'Art32Anchors';
export const GUARDRAILS_STACK_ID = 'Art32Guardrails';

export interface Art32App {
  app: App;
  config: Art32Config;
  collector: CollectorStack;
  member: MemberAccountStack;
  anchors: AnchorStack;
  /** Only when `guardrails` is configured. */
  guardrails?: GuardrailsStack;
}

export interface BuildOptions {
  /** Register cdk-nag as a validation plugin, so `cdk synth` fails on unacknowledged findings. */
  nag?: boolean;
  /** Member-role policy override (tests); default: lib/collectors/collector-policy.json. */
  memberPolicy?: PolicyDocument;
}

/** `cdk synth -c art32='{...}'` hands the value over as a string: accept JSON there. */
function contextValue(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch (error) {
    throw new ConfigError(`-c ${CONFIG_CONTEXT_KEY}=...`, [`${CONFIG_CONTEXT_KEY}: not valid JSON (${(error as Error).message})`]);
  }
}

export function buildApp(props: AppProps = {}, options: BuildOptions = {}): Art32App {
  const app = new App(props);
  const config = parseConfig(contextValue(app.node.tryGetContext(CONFIG_CONTEXT_KEY)));
  // The anchor bucket's account: a log-archive account when configured, else the collector's.
  const anchorAccount = config.anchors.accountId ?? config.collectorAccountId;
  const anchorBucketName = config.anchors.bucketName ?? `art32-anchors-${anchorAccount ?? Aws.ACCOUNT_ID}-${config.region}`;
  // A log-archive account's EventBridge alone sees the calls made on its bucket: the anchor stack
  // then watches the bucket itself; in the collector's account the collector's alarm does.
  const anchorsElsewhere = config.anchors.accountId !== undefined && config.anchors.accountId !== config.collectorAccountId;
  const anchors = new AnchorStack(app, ANCHOR_STACK_ID, {
    config,
    collectorAccount: config.collectorAccountId ?? Aws.ACCOUNT_ID,
    bucketName: anchorBucketName,
    watchBucket: anchorsElsewhere,
    env: { region: config.region, ...(anchorAccount ? { account: anchorAccount } : {}) },
    description: 'art32: WORM anchor bucket (S3 Object Lock, compliance mode) for every seal; deploy in a log-archive account',
  });
  const collector = new CollectorStack(app, COLLECTOR_STACK_ID, {
    config,
    anchorBucketName,
    watchAnchorBucket: !anchorsElsewhere,
    // Region only: the account stays the deploying credentials' (no lookups at synth).
    env: { region: config.region },
    description: 'art32: scheduled GDPR Art. 32 / CNIL evidence collection (collector account)',
  });
  const member = new MemberAccountStack(app, MEMBER_STACK_ID, {
    config,
    policy: options.memberPolicy,
    // No assets and no bootstrap version parameter: member accounts need no CDK bootstrap,
    // and the template deploys as is in a StackSet.
    synthesizer: new BootstraplessSynthesizer(),
    description: 'art32: read-only role for the evidence collector (every collected account; StackSet-ready)',
  });
  // Optional SCP in the organization's management account (the collector account must be known to name its resources).
  let guardrails: GuardrailsStack | undefined;
  if (config.guardrails) {
    if (!config.collectorAccountId) throw new ConfigError('cdk.json', ['guardrails: needs collectorAccountId (the SCP names the evidence table, keys and anchor bucket by account)']);
    guardrails = new GuardrailsStack(app, GUARDRAILS_STACK_ID, {
      config,
      collectorAccount: config.collectorAccountId,
      anchorAccount: anchorAccount ?? config.collectorAccountId,
      anchorBucketName,
      targetIds: config.guardrails.targetIds,
      env: { account: config.guardrails.managementAccountId, region: 'us-east-1' },
      description: 'art32: Organizations SCP denying the calls that would undo the evidence protections (management account)',
    });
  }
  if (options.nag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { app, config, collector, member, anchors, ...(guardrails ? { guardrails } : {}) };
}
