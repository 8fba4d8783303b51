/** One CLI: the exit-code scheme in --help, one default per knob, bad input is exit 2 with one line. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_ACTIVITY_MAX_CALLS } from '../../../lib/collectors/activity';
import { run } from './capture';

describe('CLI consistency', () => {
  it('art32 --help lists the exit codes and how to get `art32` on PATH', async () => {
    const r = await run('--help');
    expect(r.stdout).toContain('Exit codes:');
    for (const code of ['0  ok', '1  findings', '2  usage', '3  evidence integrity', '4  incomplete', '5  collection failed', '6  store busy', '7  report delivery failed']) expect(r.stdout).toContain(code);
    expect(r.stdout).toContain('npm link');
  });

  it('activity --max-calls and collect --activity-max-calls share one default', async () => {
    const activity = await run('activity', '--help');
    const collect = await run('collect', '--help');
    expect(activity.stdout.replace(/\s+/g, ' ')).toContain(`(default: "${DEFAULT_ACTIVITY_MAX_CALLS}")`);
    expect(collect.stdout.replace(/\s+/g, ' ')).toContain(`(default ${DEFAULT_ACTIVITY_MAX_CALLS},`);
  });

  it('activity on a missing directory is bad input (exit 2), not a covered empty day', async () => {
    const r = await run('activity', '--logs', '/nonexistent/art32-logs');
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('--logs /nonexistent/art32-logs: no such directory');
    expect(r.stdout).not.toContain('coverage 100');
  });

  it('collect --help says one thing about a scenario\'s default time: now', async () => {
    const help = (await run('collect', '--help')).stdout.replace(/\s+/g, ' ');
    expect(help).toContain('is collected "now"');
    expect(help).toContain('collect: default now');
  });

  it('report: addresses are --recipients/--sender, --from/--to are dates as in history and export', async () => {
    const old = await run('report', '--send', '--to', 'lead@example.com', '--from', 'art32@example.com', '--data-dir', '/nonexistent/art32-report');
    expect(old.code).toBe(2);
    expect(old.stderr).toContain('--from and --to are the dates of --audit (addresses go in --recipients and --sender)');
    const stray = await run('report', '--recipients', 'lead@example.com', '--data-dir', '/nonexistent/art32-report');
    expect(stray.code).toBe(2);
    expect(stray.stderr).toContain('--recipients and --sender go with --send');
    const help = (await run('report', '--help')).stdout;
    expect(help).toContain('--recipients <addresses>');
    expect(help).toContain('--from <date>');
  });
});
