/** Errors of the evidence layer: each names what is wrong and where. */

/** Different content already stored under a key: evidence is never overwritten. */
export class EvidenceConflictError extends Error {
  public constructor(
    public readonly key: { pk: string; sk: string },
    public readonly storedHash: string,
    public readonly newHash: string,
  ) {
    super(
      `evidence conflict at pk=${key.pk} sk=${key.sk}: the table already holds different content (stored hash ${storedHash}, new hash ${newHash}); ` +
        'evidence is never overwritten — use a new run id',
    );
    this.name = 'EvidenceConflictError';
  }
}

/** A run older than the account's latest sealed run: the manifest chain is append-only. */
export class EvidenceOrderError extends Error {
  public constructor(accountId: string, run: string, latest: string) {
    super(`account ${accountId}: run ${run} is older than the latest sealed run ${latest}; the manifest chain only grows forward — record it under a later collection time`);
    this.name = 'EvidenceOrderError';
  }
}

export class UnknownAccountError extends Error {
  public constructor(accountId: string, known: readonly string[]) {
    super(`no evidence for account ${accountId}. Accounts with evidence: ${known.length ? known.join(', ') : '(none — run `art32 collect` first)'}`);
    this.name = 'UnknownAccountError';
  }
}

export class UnknownRunError extends Error {
  public constructor(runId: string, accountId?: string) {
    super(`no evidence for run ${runId}${accountId ? ` in account ${accountId}` : ''}`);
    this.name = 'UnknownRunError';
  }
}

export class InvalidDateRangeError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'InvalidDateRangeError';
  }
}

/** The table does not exist (AWS mode never creates it: the CDK stack owns it). */
export class EvidenceTableMissingError extends Error {
  public constructor(tableName: string, region: string | undefined) {
    super(`evidence table "${tableName}" not found in region ${region ?? '(unknown region)'}: deploy the stack (npx cdk deploy) or check --table, AWS_REGION and AWS_PROFILE`);
    this.name = 'EvidenceTableMissingError';
  }
}

/** Batched writes/reads still unprocessed after every retry. */
export class EvidenceWriteError extends Error {
  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EvidenceWriteError';
  }
}

/** A stored item that does not parse as the record/manifest it claims to be. */
export class CorruptItemError extends Error {
  public constructor(key: { pk: string; sk: string }, what: string) {
    super(`item pk=${key.pk} sk=${key.sk} is not valid evidence: ${what}`);
    this.name = 'CorruptItemError';
  }
}
