/**
 * Audit pack: everything an auditor needs to read and check one account's evidence over a
 * date range WITHOUT this tool: the exact hashed bytes of every record and manifest (one file
 * each, named by its SHA-256, so `sha256sum` proves them), JSON Lines for reading, the
 * verification result, and a per-requirement summary in Markdown.
 */
import { mkdir } from 'node:fs/promises';
import { ocsfInputFromRecord, toOcsfComplianceFindings } from '../ocsf/compliance-finding';
import { join } from 'node:path';
import { FRAMEWORKS } from '../frameworks';
import { PRIVATE_DIR_MODE, PrivateDirError, stageOutputDir, writePrivateFile, type StagedDir } from '../support/private-files';
import { markdownCode, markdownText } from '../support/sanitize';
import { TOOL_VERSION } from '../version';
import type { Anchor, AnchorListing } from './anchor';
import { sha256Hex } from './canonical';
import type { EvidenceRecord, RunManifest } from './record';
import type { SignatureVerifier } from './signing';
import { dateBounds, manifestSignatureOf, parseManifestItem, parseRecordItem, type EvidenceStore, type Item } from './store';
import { keys } from './table';
import { recordIntegrity, verdictOfProblems, verifyAccountItems, type AccountVerification, type VerificationResult } from './verify';
import { storeRetention } from './expiry';

export interface ExportInput {
  store: EvidenceStore;
  accountId: string;
  from: string;
  to: string;
  outDir: string;
  /** The trusted public key: signatures are checked and the key ships as public-key.pem. */
  verifier?: SignatureVerifier;
  /** Anchor store listing: compared with the chain and shipped as anchors.jsonl. */
  anchors?: AnchorListing & { store: string };
}

export interface ExportResult {
  outDir: string;
  records: number;
  manifests: number;
  verification: VerificationResult;
  files: string[];
  /** Records exported but not intact (listed in NOT-INTACT.jsonl, marked in SUMMARY.md). */
  notIntact: number;
}

export class ExportDirError extends Error {
  public constructor(dir: string, why: string) {
    super(`cannot write the audit pack to ${dir}: ${why}`);
    this.name = 'ExportDirError';
  }
}

/**
 * The pack is written into a fresh private sibling directory and renamed to `dir` at the end
 * (lib/support/private-files): a symbolic link or file planted at or in `dir` meanwhile makes
 * the export fail instead of being followed; files are 0600, directories 0700.
 */
async function prepareOutDir(dir: string): Promise<StagedDir> {
  try {
    return await stageOutputDir(dir);
  } catch (error) {
    if (error instanceof PrivateDirError) throw new ExportDirError(dir, error.message.slice(dir.length + 1));
    throw new ExportDirError(dir, (error as NodeJS.ErrnoException).code ?? (error as Error).message);
  }
}

const STATUS_MARK: Record<string, string> = { PASS: 'PASS', FAIL: '**FAIL**', WARN: 'WARN', ERROR: '**NOT VERIFIED**', NOT_APPLICABLE: 'n/a' };

/** Stored values (messages quote names from the audited account) are escaped for Markdown by the one sanitising layer. */
const mdCell = markdownText;

export function summaryMarkdown(
  input: { accountId: string; from: string; to: string },
  records: readonly EvidenceRecord[],
  manifests: readonly RunManifest[],
  verification: VerificationResult,
  notIntact: ReadonlySet<string> = new Set(),
): string {
  const out: string[] = [];
  const signed = verification.accounts.every((a) => a.signaturesChecked);
  out.push(`# Evidence summary — account ${mdCell(input.accountId)}`, '');
  out.push(`Period: ${mdCell(input.from)} to ${mdCell(input.to)} · ${manifests.length} sealed run(s) · ${records.length} record(s) · exported by art32 ${TOOL_VERSION}`, '');
  out.push(
    `Verification: ${verification.ok ? `**verified** — every record hash, manifest hash${signed ? ', signature' : ''} and chain link matches${signed ? '' : ' (signatures NOT checked: no public key given)'}.` : `**NOT VERIFIED** — ${mdCell(verification.firstProblem?.message ?? '')}`}`,
    '',
  );
  if (notIntact.size) out.push(`**${notIntact.size} record(s) are NOT INTACT** and are marked ⚠ below; see NOT-INTACT.jsonl. They are not evidence.`, '');
  const markOf = (r: EvidenceRecord) => {
    const mark = STATUS_MARK[r.status] ?? mdCell(r.status);
    return notIntact.has(keys.recordSk(r.collectedAt, r.runId, r.ruleId)) ? `⚠ NOT INTACT (${mark})` : mark;
  };
  const runs = [...new Map(records.map((r) => [`${r.collectedAt}#${r.runId}`, { collectedAt: r.collectedAt, runId: r.runId }])).values()].sort((a, b) => (a.collectedAt < b.collectedAt ? -1 : 1));
  const requirementIds = new Set(records.flatMap((r) => r.requirementIds));
  for (const framework of FRAMEWORKS) {
    const requirements = framework.requirements.filter((q) => requirementIds.has(q.id));
    if (requirements.length === 0) continue;
    out.push(`## ${framework.title}`, '');
    for (const requirement of requirements) {
      out.push(`### ${requirement.id} — ${requirement.title}`, '', `${requirement.citation}. ${requirement.summary}`, '');
      const mine = records.filter((r) => r.requirementIds.includes(requirement.id));
      const ruleIds = [...new Set(mine.map((r) => r.ruleId))].sort();
      out.push(`| collected at | run | ${ruleIds.map(mdCell).join(' | ')} |`, `|---|---|${ruleIds.map(() => '---').join('|')}|`);
      for (const run of runs) {
        const cells = ruleIds.map((id) => {
          const r = mine.find((x) => x.ruleId === id && x.runId === run.runId && x.collectedAt === run.collectedAt);
          return r ? markOf(r) : '–';
        });
        out.push(`| ${mdCell(run.collectedAt)} | ${mdCell(run.runId)} | ${cells.join(' | ')} |`);
      }
      const latest = runs.at(-1);
      const latestRecords = mine.filter((r) => latest && r.runId === latest.runId && r.collectedAt === latest.collectedAt);
      if (latestRecords.length) {
        out.push('', `Latest run (${mdCell(latest?.collectedAt)}):`, '');
        for (const r of latestRecords) out.push(`- ${markdownCode(r.ruleId)} ${markOf(r)} (${mdCell(r.severity)}): ${mdCell(r.message)}`);
      }
      out.push('');
    }
  }
  const unmapped = records.filter((r) => r.requirementIds.length === 0);
  if (unmapped.length) out.push('## Rules not mapped to a requirement', '', ...[...new Set(unmapped.map((r) => `- ${markdownCode(r.ruleId)}`))], '');
  return `${out.join('\n')}\n`;
}

export interface PackReadmeOptions {
  signed: boolean;
  anchors: boolean;
  keyId?: string | undefined;
}

/** The exact shell command that checks every manifest signature of a pack with openssl alone. */
export const OPENSSL_VERIFY_COMMAND =
  'for f in manifests/*.json; do h=$(basename "$f" .json); printf "%s " "$h"; openssl dgst -sha256 -verify public-key.pem -signature "manifests/$h.sig" "$f"; done';

export function packReadme(input: { accountId: string; from: string; to: string }, manifests: readonly RunManifest[], options: PackReadmeOptions = { signed: false, anchors: false }): string {
  const first = manifests[0];
  return `# art32 audit pack — account ${input.accountId}, ${input.from} to ${input.to}

This directory is readable and checkable without art32.

| file | content |
|---|---|
| SUMMARY.md | per requirement (GDPR, CNIL): status of each rule in each run, latest messages; records not intact are marked ⚠ |
| records.jsonl | one evidence record per line (JSON), with its \`hash\` and \`intact\` (the verdict at export) |
| manifests.jsonl | one run manifest per line: the record hashes of the run and the previous manifest's hash |
| records/<sha256>.json | the stored bytes of each record, copied byte for byte, named by the hash the store holds for it |
| manifests/<sha256>.json | the stored bytes of each manifest, byte for byte |
| manifests/<sha256>.sig | the manifest's signature (ECDSA P-256 / SHA-256, DER) over exactly the bytes of manifests/<sha256>.json |
| public-key.pem | ${options.signed ? `the trusted public key that checks every signature (key ${options.keyId ?? ''})` : '(absent: exported without a public key; signatures not checked)'} |
| anchors.jsonl | ${options.anchors ? 'the WORM anchors of this account: one line per seal (run, time, manifest hash, signature)' : '(absent: exported without an anchor store)'} |
| NOT-INTACT.jsonl | records that failed verification at export (key, hash, reason); they are not evidence |
| verification.json | the result of the verification at export time |
| findings.ocsf.json | the intact records as OCSF 1.8.0 Compliance Findings (for a SIEM or Security Lake; not the evidence of record; records not intact are left out) |

## How a hash is made

The hash of a record (or manifest) is the SHA-256 (hex) of its *canonical JSON*: every field
except \`hash\`, object keys sorted, no whitespace, UTF-8. Those bytes are stored in DynamoDB in the
item's \`body\` attribute and copied here as \`records/<hash>.json\` (no trailing newline).

## Check every file with standard tools

\`\`\`sh
cd <this directory>
# each file's SHA-256 must equal its name
for f in records/*.json manifests/*.json; do echo "$(basename "$f" .json)  $f"; done | sha256sum -c --quiet && echo "all hashes OK"
# a record line of records.jsonl, re-serialised canonically, gives the same bytes (needs jq):
head -1 records.jsonl | jq -cS 'del(.hash, .intact)' | tr -d '\\n' | sha256sum     # = .hash of that line
\`\`\`

(\`jq -S -c\` sorts keys and drops whitespace; it matches the canonical form for the values art32 writes.)

## Check every signature with openssl

A hash proves a file was not changed after its hash was computed; the signature proves who sealed
it: only the holder of the signing key (deployed: a KMS key only the sealing function may use) can
produce it. Get the public key from a source you trust (\`aws kms get-public-key\` on the signing
key, or the key recorded at deployment) and compare it with public-key.pem, then:

\`\`\`sh
${OPENSSL_VERIFY_COMMAND}
\`\`\`

Every line must say \`Verified OK\`.

## Check the chain

Each manifest lists the hash of every record of its run (\`records[].hash\`) and the hash of the
account's previous manifest (\`previous.hash\`). In order of \`collectedAt\`, each manifest's
\`previous.hash\` must be the name (hash) of the manifest before it:

\`\`\`sh
jq -r '[.collectedAt, .runId, .hash, (.previous.hash // "NONE")] | @tsv' manifests.jsonl
\`\`\`

${first?.previous ? `The first manifest of this period links to run ${first.previous.runId} (${first.previous.collectedAt}), hash ${first.previous.hash}, which is before the period.` : 'The first manifest of this period starts the chain (no previous run).'}
Every record hash listed by a manifest must appear in records/, and every file in records/ must be listed by a manifest.

## Check the anchors

Each seal was also written to a WORM anchor store (S3 Object Lock, compliance mode) outside the
evidence table. Every anchor of the period must name a manifest of this pack with the same hash,
and the newest anchor must not be newer than the newest manifest (else runs were deleted):

\`\`\`sh
jq -r '[.collectedAt, .runId, .manifestHash] | @tsv' anchors.jsonl
# the same listing from the bucket itself (versions included):
# aws s3api list-object-versions --bucket <anchor bucket> --prefix anchors/${input.accountId}/
\`\`\`
`;
}

export async function exportPack(input: ExportInput): Promise<ExportResult> {
  const content = await readPeriod(input);
  const staged = await prepareOutDir(input.outDir);
  try {
    return await writePack(input, staged, content);
  } catch (error) {
    await staged.discard();
    if (error instanceof PrivateDirError) throw new ExportDirError(input.outDir, error.message.slice(input.outDir.length + 1));
    throw error;
  }
}

/** `export --format ocsf`: the period's findings as OCSF, from the same verified read as the pack. */
export interface OcsfExport {
  findings: Record<string, unknown>[];
  verification: VerificationResult;
  /** Records of the period left out because they are not intact (the pack lists them in NOT-INTACT.jsonl). */
  notIntact: { sk: string; reason: string }[];
}

/**
 * The period's intact records as OCSF Compliance Findings (what the pack ships as
 * findings.ocsf.json), for a SIEM that wants the findings without the pack. Nothing is written.
 */
export async function exportOcsf(input: Omit<ExportInput, 'outDir'>): Promise<OcsfExport> {
  const { account, verification, recordItems, manifestItems } = await readPeriod(input);
  const notIntact: { sk: string; reason: string }[] = [];
  const records: EvidenceRecord[] = [];
  for (const item of recordItems) {
    const integrity = recordIntegrity(account, item.sk);
    if (!integrity.intact) notIntact.push({ sk: item.sk, reason: integrity.reason });
    else records.push(parseRecordItem(item));
  }
  const manifests = manifestItems.flatMap((item) => {
    try {
      return [parseManifestItem(item)];
    } catch {
      return []; // reported by the verification
    }
  });
  return { findings: ocsfFindings(records, manifests, new Set(notIntact.map((n) => n.sk))), verification, notIntact };
}

/** One verified read of the account (what is verified is exactly what is exported), cut to the period. */
async function readPeriod(input: Omit<ExportInput, 'outDir'>): Promise<PackContent> {
  const { upper } = dateBounds({ from: input.from, to: input.to });
  const items = await input.store.accountItems(input.accountId, input.from);
  const registry = await input.store.accounts();
  if (!registry.includes(input.accountId) && items.manifests.length + items.records.length === 0) await input.store.assertKnownAccount(input.accountId);
  const inRange = (sk: string) => (sk.split('#')[1] ?? '') <= upper;
  const recordItems = items.records.filter((i) => inRange(i.sk));
  const { lower } = dateBounds({ from: input.from });
  const manifestItems = items.manifests.filter((i) => inRange(i.sk) && (i.sk.split('#')[1] ?? '') >= lower);
  const accountAnchors = input.anchors?.anchors.filter((a) => a.accountId === input.accountId);
  const account = verifyAccountItems(input.accountId, items, input.from, {
    ...(input.verifier ? { verifier: input.verifier } : {}),
    retention: (await storeRetention(input.store))(input.accountId),
    ...(accountAnchors ? { anchors: accountAnchors } : {}),
  });
  if (!registry.includes(input.accountId)) {
    account.problems.unshift({ kind: 'REGISTRY_ENTRY_MISSING', accountId: input.accountId, runId: '', collectedAt: '', pk: 'ACCOUNTS', sk: `ACCOUNT#${input.accountId}`, message: `account ${input.accountId} has evidence but no ACCOUNTS registry entry: the entry was deleted` });
  }
  return { account, verification: accountResult(account, input), recordItems, manifestItems, accountAnchors };
}

/** Intact records as OCSF findings, each carrying its run's manifest hash as chain head. */
function ocsfFindings(records: readonly EvidenceRecord[], manifests: readonly RunManifest[], notIntactSks: ReadonlySet<string>): Record<string, unknown>[] {
  const headOfRun = new Map(manifests.map((m) => [m.runId, m.hash]));
  const keyOf = (r: EvidenceRecord) => keys.recordSk(r.collectedAt, r.runId, r.ruleId);
  return toOcsfComplianceFindings(records.filter((r) => !notIntactSks.has(keyOf(r))).map((r) => ocsfInputFromRecord(r, headOfRun.get(r.runId))));
}

interface PackContent {
  account: AccountVerification;
  verification: VerificationResult;
  recordItems: Item[];
  manifestItems: Item[];
  accountAnchors: Anchor[] | undefined;
}

async function writePack(input: ExportInput, staged: StagedDir, content: PackContent): Promise<ExportResult> {
  const { account, verification, recordItems, manifestItems, accountAnchors } = content;
  const files: string[] = [];
  const write = async (name: string, data: string | Uint8Array) => {
    await writePrivateFile(join(staged.path, name), data);
    files.push(name);
  };
  await mkdir(join(staged.path, 'records'), { mode: PRIVATE_DIR_MODE });
  await mkdir(join(staged.path, 'manifests'), { mode: PRIVATE_DIR_MODE });
  const records: EvidenceRecord[] = [];
  const notIntact: { sk: string; hash: string; reason: string }[] = [];
  for (const item of recordItems) {
    const hash = typeof item.hash === 'string' && /^[0-9a-f]{64}$/.test(item.hash) ? item.hash : sha256Hex(String(item.body ?? ''));
    // The stored body, byte for byte, under the hash the item claims: sha256sum shows any difference.
    if (typeof item.body === 'string') await write(`records/${hash}.json`, item.body);
    const integrity = recordIntegrity(account, item.sk);
    if (!integrity.intact) notIntact.push({ sk: item.sk, hash, reason: integrity.reason });
    try {
      records.push(parseRecordItem(item));
    } catch {
      // unreadable: listed in NOT-INTACT.jsonl only
    }
  }
  const manifests: RunManifest[] = [];
  for (const item of manifestItems) {
    if (typeof item.body !== 'string' || typeof item.hash !== 'string') continue;
    await write(`manifests/${item.hash}.json`, item.body);
    const signature = manifestSignatureOf(item);
    if (signature) await write(`manifests/${item.hash}.sig`, Buffer.from(signature.value, 'base64'));
    try {
      manifests.push(parseManifestItem(item));
    } catch {
      // reported by the verification
    }
  }
  const notIntactSks = new Set(notIntact.map((n) => n.sk));
  const keyOf = (r: EvidenceRecord) => keys.recordSk(r.collectedAt, r.runId, r.ruleId);
  const jsonl = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : '');
  await write('records.jsonl', jsonl(records.map((r) => ({ ...r, intact: !notIntactSks.has(keyOf(r)) }))));
  await write('manifests.jsonl', jsonl(manifests));
  await write('NOT-INTACT.jsonl', jsonl(notIntact));
  if (accountAnchors) await write('anchors.jsonl', jsonl(accountAnchors));
  if (input.verifier) await write('public-key.pem', input.verifier.publicKeyPem);
  await write('verification.json', `${JSON.stringify(verification, null, 2)}\n`);
  // The same findings in OCSF for a SIEM (intact records only).
  await write('findings.ocsf.json', `${JSON.stringify(ocsfFindings(records, manifests, notIntactSks), null, 2)}\n`);
  await write('SUMMARY.md', summaryMarkdown(input, records, manifests, verification, notIntactSks));
  await write('README.md', packReadme(input, manifests, { signed: input.verifier !== undefined, anchors: accountAnchors !== undefined, keyId: input.verifier?.keyId }));
  await staged.publish();
  return { outDir: input.outDir, records: records.length, manifests: manifests.length, verification, files, notIntact: notIntact.length };
}

function accountResult(account: AccountVerification, input: Omit<ExportInput, 'outDir'>): VerificationResult {
  const problems = account.problems;
  const verdict = verdictOfProblems(problems);
  return {
    ok: problems.length === 0,
    verdict,
    ...(input.anchors ? { anchors: { store: input.anchors.store, count: input.anchors.anchors.filter((a) => a.accountId === input.accountId).length } } : {}),
    from: input.from,
    accounts: [account],
    ...(problems[0] ? { firstProblem: problems[0] } : {}),
  };
}
