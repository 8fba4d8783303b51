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
import { manifestBody, recordBody } from './build';
import type { EvidenceRecord, RunManifest } from './record';
import type { EvidenceStore } from './store';
import { verifyStore, type VerificationResult } from './verify';

export interface ExportInput {
  store: EvidenceStore;
  accountId: string;
  from: string;
  to: string;
  outDir: string;
}

export interface ExportResult {
  outDir: string;
  records: number;
  manifests: number;
  verification: VerificationResult;
  files: string[];
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

export function summaryMarkdown(input: { accountId: string; from: string; to: string }, records: readonly EvidenceRecord[], manifests: readonly RunManifest[], verification: VerificationResult): string {
  const out: string[] = [];
  out.push(`# Evidence summary — account ${mdCell(input.accountId)}`, '');
  out.push(`Period: ${mdCell(input.from)} to ${mdCell(input.to)} · ${manifests.length} sealed run(s) · ${records.length} record(s) · exported by art32 ${TOOL_VERSION}`, '');
  out.push(`Verification: ${verification.ok ? '**verified** — every record hash, manifest hash and chain link matches.' : `**NOT VERIFIED** — ${mdCell(verification.firstProblem?.message ?? '')}`}`, '');
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
          return r ? STATUS_MARK[r.status] ?? mdCell(r.status) : '–';
        });
        out.push(`| ${mdCell(run.collectedAt)} | ${mdCell(run.runId)} | ${cells.join(' | ')} |`);
      }
      const latest = runs.at(-1);
      const latestRecords = mine.filter((r) => latest && r.runId === latest.runId && r.collectedAt === latest.collectedAt);
      if (latestRecords.length) {
        out.push('', `Latest run (${mdCell(latest?.collectedAt)}):`, '');
        for (const r of latestRecords) out.push(`- ${markdownCode(r.ruleId)} ${STATUS_MARK[r.status] ?? mdCell(r.status)} (${mdCell(r.severity)}): ${mdCell(r.message)}`);
      }
      out.push('');
    }
  }
  const unmapped = records.filter((r) => r.requirementIds.length === 0);
  if (unmapped.length) out.push('## Rules not mapped to a requirement', '', ...[...new Set(unmapped.map((r) => `- ${markdownCode(r.ruleId)}`))], '');
  return `${out.join('\n')}\n`;
}

export function packReadme(input: { accountId: string; from: string; to: string }, manifests: readonly RunManifest[]): string {
  const first = manifests[0];
  return `# art32 audit pack — account ${input.accountId}, ${input.from} to ${input.to}

This directory is readable and checkable without art32.

| file | content |
|---|---|
| SUMMARY.md | per requirement (GDPR, CNIL): status of each rule in each run, latest messages |
| records.jsonl | one evidence record per line (JSON), with its \`hash\` |
| manifests.jsonl | one run manifest per line: the record hashes of the run and the previous manifest's hash |
| records/<sha256>.json | the exact bytes each record hash was computed over |
| manifests/<sha256>.json | the exact bytes each manifest hash was computed over |
| verification.json | the result of \`art32 verify\` at export time |
| findings.ocsf.json | the same records as OCSF 1.8.0 Compliance Findings (for a SIEM or Security Lake; not the evidence of record) |

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
head -1 records.jsonl | jq -cS 'del(.hash)' | tr -d '\\n' | sha256sum     # = .hash of that line
\`\`\`

(\`jq -S -c\` sorts keys and drops whitespace; it matches the canonical form for the values art32 writes.)

## Check the chain

Each manifest lists the hash of every record of its run (\`records[].hash\`) and the hash of the
account's previous manifest (\`previous.hash\`). In order of \`collectedAt\`, each manifest's
\`previous.hash\` must be the name (hash) of the manifest before it:

\`\`\`sh
jq -r '[.collectedAt, .runId, .hash, (.previous.hash // "NONE")] | @tsv' manifests.jsonl
\`\`\`

${first?.previous ? `The first manifest of this period links to run ${first.previous.runId} (${first.previous.collectedAt}), hash ${first.previous.hash}, which is before the period.` : 'The first manifest of this period starts the chain (no previous run).'}
Every record hash listed by a manifest must appear in records/, and every file in records/ must be listed by a manifest.
`;
}

export async function exportPack(input: ExportInput): Promise<ExportResult> {
  const range = { from: input.from, to: input.to };
  const records = await input.store.recordsInRange(input.accountId, range);
  const manifests = await input.store.manifests(input.accountId, range);
  const staged = await prepareOutDir(input.outDir);
  try {
    return await writePack(input, staged, records, manifests);
  } catch (error) {
    await staged.discard();
    if (error instanceof PrivateDirError) throw new ExportDirError(input.outDir, error.message.slice(input.outDir.length + 1));
    throw error;
  }
}

async function writePack(input: ExportInput, staged: StagedDir, records: EvidenceRecord[], manifests: RunManifest[]): Promise<ExportResult> {
  const verification = await verifyStore(input.store, { accountId: input.accountId, from: input.from });
  const files: string[] = [];
  const write = async (name: string, content: string) => {
    await writePrivateFile(join(staged.path, name), content);
    files.push(name);
  };
  await mkdir(join(staged.path, 'records'), { mode: PRIVATE_DIR_MODE });
  await mkdir(join(staged.path, 'manifests'), { mode: PRIVATE_DIR_MODE });
  for (const r of records) await write(`records/${r.hash}.json`, recordBody(r));
  for (const m of manifests) await write(`manifests/${m.hash}.json`, manifestBody(m));
  await write('records.jsonl', records.map((r) => JSON.stringify(r)).join('\n') + (records.length ? '\n' : ''));
  await write('manifests.jsonl', manifests.map((m) => JSON.stringify(m)).join('\n') + (manifests.length ? '\n' : ''));
  await write('verification.json', `${JSON.stringify(verification, null, 2)}\n`);
  // The same findings in OCSF for a SIEM; each carries its run's manifest hash as chain head.
  const headOfRun = new Map(manifests.map((m) => [m.runId, m.hash]));
  await write('findings.ocsf.json', `${JSON.stringify(toOcsfComplianceFindings(records.map((r) => ocsfInputFromRecord(r, headOfRun.get(r.runId)))), null, 2)}\n`);
  await write('SUMMARY.md', summaryMarkdown(input, records, manifests, verification));
  await write('README.md', packReadme(input, manifests));
  await staged.publish();
  return { outDir: input.outDir, records: records.length, manifests: manifests.length, verification, files };
}
