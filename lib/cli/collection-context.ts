/**
 * The CLI's side of the collection context (lib/accountability/context.ts): who is collecting,
 * and the write beside each recorded run.
 */
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { buildCollectionContext, putCollectionContext, runningHost, type CollectionContext, type ContextInput } from '../accountability/context';
import type { EvidenceStore } from '../evidence';
import { osDeclarant } from '../register/identity';

/**
 * The collector's identity: with AWS credentials in play (a live source or a DynamoDB table) the
 * STS caller ARN of those credentials; otherwise the local user@host. STS unreachable for a
 * local run is not an error: the local user is then the honest answer.
 */
export async function collectorIdentity(options: { live?: boolean; profile?: string; region?: string }, awsStore: boolean): Promise<CollectionContext['collectedBy']> {
  const host = runningHost();
  if (options.live || awsStore) {
    const sts = new STSClient({ ...(options.profile ? { profile: options.profile } : {}), ...(options.region ? { region: options.region } : {}) });
    try {
      const out = await sts.send(new GetCallerIdentityCommand({}));
      if (out.Arn) return { identity: out.Arn, via: 'sts', host };
    } catch {
      // fall through to the local user
    } finally {
      sts.destroy();
    }
  }
  return { identity: osDeclarant().identity, via: 'os', host };
}

/** Build and store the run's context (first writer wins: a retry never rewrites who first collected). */
export async function recordCollectionContext(store: EvidenceStore, input: ContextInput): Promise<void> {
  if (input.records.length === 0) return;
  await putCollectionContext(store.documentClient, store.tableName, buildCollectionContext(input));
}
