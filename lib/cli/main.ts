/**
 * The `art32` command line. Each command lives in lib/cli/commands/<name>.ts and
 * exports `register(program)`; this file only wires them and maps errors to exit codes.
 */
import { Command, CommanderError } from 'commander';
import { TOOL_VERSION } from '../version';
import { COMMANDS } from './commands';
import { CliError } from './errors';
import { EXIT_CODES_HELP } from './exit-codes';
import { guardTerminalOutput } from './output-guard';

export function buildProgram(): Command {
  const program = new Command('art32')
    .description(
      'Compliance evidence for AWS accounts: checks IAM passwords, MFA, CloudTrail logging and ' +
        'permission breadth against GDPR Art. 32 and the CNIL rules, and records dated, ' +
        'tamper-evident evidence (embedded store by default, DynamoDB with --table).',
    )
    .version(TOOL_VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', `\n${EXIT_CODES_HELP}\n\nOn PATH as \`art32\` after \`npm link\` in the repository (or run \`npx art32\` there, or \`node bin/art32.mjs\`).`)
    .exitOverride();
  for (const register of COMMANDS) register(program);
  return program;
}

/** Run the CLI; returns the process exit code (the scheme of `exit-codes.ts`). */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  // Data from audited accounts and received files is printed: nothing raw reaches the terminal.
  const unguard = guardTerminalOutput();
  // A command reports findings through process.exitCode; start clean so an earlier in-process run cannot leak its code.
  process.exitCode = undefined;
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof CliError) {
      process.stderr.write(`art32: ${error.message}\n`);
      return error.exitCode;
    }
    process.stderr.write(`art32: ${error instanceof Error ? error.message : String(error)}\n`);
    if (process.env.ART32_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    return 2;
  } finally {
    unguard();
  }
}
