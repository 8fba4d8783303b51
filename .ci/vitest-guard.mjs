#!/usr/bin/env node
// Runs `vitest run` (arguments passed through) and watches it, so that a wedged run ends with a diagnosis instead of
// hanging until a CI limit kills it.
//
// Why: the CI run of stop 33 printed nothing for 80 minutes after test/integration/report/audit.test.ts started and
// was killed at the 90-minute limit, while the whole suite passes in ~11 minutes on the same kind of machine and that
// file passed alone 30 times out of 30. Vitest's own timeouts cannot end such a run: a test timeout needs the worker's
// event loop, which synchronous code or a blocked system call never gives back, and the pool waits for its worker.
//
// When vitest prints nothing for ART32_TEST_STALL_SECONDS (default 420: its slowest file takes ~40 s on a quiet
// machine of this kind, 170 s with the machine loaded 15 deep):
//   1. for every process of the run it prints the command line, each thread's state, CPU seconds and kernel wait
//      channel; for vitest's own processes (started with --report-on-signal) the libuv handles they wait on
//      (sockets, timers, child processes) from a Node diagnostic report (SIGUSR2); and for every other Node process
//      (the test worker, a CLI a test started) its JavaScript stack, taken through its inspector (.ci/stack-of.mjs);
//   2. it kills the run and starts it again once, whole (a killed vitest writes no JSON report, so nothing of the first
//      attempt is counted); a second stall ends the command with exit 1 (ART32_TEST_ATTEMPTS sets how many runs).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setInterval, clearInterval } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stallSeconds = Number(process.env.ART32_TEST_STALL_SECONDS ?? 420);
if (!Number.isFinite(stallSeconds) || stallSeconds <= 0) {
  console.error(`vitest-guard: ART32_TEST_STALL_SECONDS must be a positive number of seconds (got "${process.env.ART32_TEST_STALL_SECONDS}")`);
  process.exit(2);
}
const ATTEMPTS = Number(process.env.ART32_TEST_ATTEMPTS ?? 2);
if (!Number.isInteger(ATTEMPTS) || ATTEMPTS < 1) {
  console.error(`vitest-guard: ART32_TEST_ATTEMPTS must be a whole number ≥ 1 (got "${process.env.ART32_TEST_ATTEMPTS}")`);
  process.exit(2);
}
const vitestArgs = process.argv.slice(2);
const say = (line) => process.stderr.write(`\n[vitest-guard] ${line}\n`);

/** Descendants of `pid` (children first by depth), read from /proc (Linux); empty elsewhere. */
function descendants(pid) {
  const parentOf = new Map();
  let entries = [];
  try {
    entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return [];
  }
  for (const e of entries) {
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      // The command name may hold spaces and parentheses: the fields that follow start after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parentOf.set(Number(e), Number(fields[1]));
    } catch {
      // The process ended while the table was read.
    }
  }
  const out = [];
  const walk = (p) => {
    for (const [child, parent] of parentOf) {
      if (parent === p) {
        out.push(child);
        walk(child);
      }
    }
  };
  walk(pid);
  return out;
}

function readOr(path, fallback) {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return fallback;
  }
}

function describeProcess(pid) {
  const args = readOr(`/proc/${pid}/cmdline`, '').split('\0').filter(Boolean).join(' ');
  const lines = [`pid ${pid}: ${args.length > 240 ? `${args.slice(0, 240)}…` : args}`];
  let tids = [];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return lines;
  }
  const ticks = 100; // USER_HZ on Linux
  for (const tid of tids) {
    const stat = readOr(`/proc/${pid}/task/${tid}/stat`, '');
    if (!stat) continue;
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpu = (Number(fields[11]) + Number(fields[12])) / ticks;
    const comm = readOr(`/proc/${pid}/task/${tid}/comm`, '?').trim();
    const wchan = readOr(`/proc/${pid}/task/${tid}/wchan`, '?').trim() || '-';
    // Main thread and any thread that is running or has used CPU: the idle pool threads say nothing.
    if (tid === String(pid) || fields[0] === 'R' || cpu >= 1) lines.push(`  thread ${tid} ${comm}: state ${fields[0]}, ${cpu.toFixed(1)} s CPU, waiting in ${wchan}`);
  }
  return lines;
}

function printReports(dir) {
  let files = [];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  } catch {
    return;
  }
  if (files.length === 0) say('no diagnostic report was written: the processes did not reach a point where Node could write one (blocked in a system call?).');
  for (const f of files) {
    try {
      const r = JSON.parse(readFileSync(join(dir, f), 'utf8'));
      const lines = [`diagnostic report of pid ${r.header?.processId} (${(r.header?.commandLine ?? []).join(' ').slice(0, 200)})`];
      const handles = (r.libuv ?? []).filter((h) => h.is_active);
      const counts = new Map();
      for (const h of handles) counts.set(h.type, (counts.get(h.type) ?? 0) + 1);
      lines.push(`  active libuv handles: ${[...counts].map(([type, n]) => `${n} ${type}`).join(', ') || 'none'}`);
      // The ones a run waits on: connections, child processes, files, and timers that keep it alive.
      for (const h of handles.filter((x) => x.localEndpoint || x.remoteEndpoint || x.pid || x.filename || (x.type === 'timer' && x.is_referenced)).slice(0, 30)) {
        const where = [h.localEndpoint && `local ${h.localEndpoint.host}:${h.localEndpoint.port}`, h.remoteEndpoint && `remote ${h.remoteEndpoint.host}:${h.remoteEndpoint.port}`, h.pid && `child pid ${h.pid}`, h.filename && `file ${h.filename}`, h.timeout !== undefined && `timeout ${h.timeout} ms`].filter(Boolean);
        lines.push(`    ${h.type}${h.is_referenced ? '' : ' (unref)'}: ${where.join(', ')}`);
      }
      process.stderr.write(`${lines.join('\n')}\n`);
    } catch (e) {
      say(`report ${f} unreadable: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

function isNode(pid) {
  try {
    return readlinkSync(`/proc/${pid}/exe`) === process.execPath;
  } catch {
    return false;
  }
}

function kill(pid) {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Ended meanwhile.
  }
}

/** Say where every process of the stalled run stands, then kill the run. */
async function diagnoseAndKill(vitestPid, reportDir, attempt, lastFile) {
  say(`STALL: vitest printed nothing for ${stallSeconds} s (attempt ${attempt} of ${ATTEMPTS}); the last file it reported done: ${lastFile}. Its processes:`);
  const pids = [vitestPid, ...descendants(vitestPid)];
  for (const pid of pids) process.stderr.write(`${describeProcess(pid).join('\n')}\n`);
  // Vitest's own processes answer SIGUSR2 with a diagnostic report when their event loop is free (open handles).
  for (const pid of pids) if (readOr(`/proc/${pid}/cmdline`, '').includes('--report-on-signal')) {
    try {
      process.kill(pid, 'SIGUSR2');
    } catch {
      // Ended meanwhile.
    }
  }
  await sleep(3000);
  printReports(reportDir);
  // The JavaScript stack of every other Node process (the test worker, a CLI a test started), one at a time: each
  // opens its inspector on the same port, so each is killed before the next is asked.
  const others = descendants(vitestPid).filter(isNode).reverse().slice(0, 6);
  for (const pid of others) {
    const r = spawnSync(process.execPath, [...(typeof WebSocket === 'undefined' ? ['--no-warnings', '--experimental-websocket'] : []), join(root, '.ci/stack-of.mjs'), String(pid)], { encoding: 'utf8', timeout: 20_000 });
    process.stderr.write(r.stdout || `  no JavaScript stack for pid ${pid}: ${r.error?.message ?? r.stderr}\n`);
    kill(pid);
  }
  for (const pid of [...descendants(vitestPid), vitestPid]) kill(pid);
  try {
    process.kill(-vitestPid, 'SIGKILL');
  } catch {
    // The group is gone.
  }
}

function runOnce(attempt) {
  return new Promise((resolve) => {
    const reportDir = mkdtempSync(join(tmpdir(), 'art32-vitest-reports-'));
    const reportArgs = ['--report-on-signal', '--report-signal=SIGUSR2', `--report-directory=${reportDir}`];
    const env = { ...process.env, ART32_TEST_REPORT_ARGS: JSON.stringify(reportArgs) };
    if (process.stdout.isTTY && env.FORCE_COLOR === undefined) env.FORCE_COLOR = '1';
    const child = spawn(process.execPath, [...reportArgs, join(root, 'node_modules/vitest/vitest.mjs'), 'run', ...vitestArgs], {
      cwd: root,
      env,
      stdio: ['inherit', 'pipe', 'pipe'],
      // Its own process group, so that the whole run (workers, test subprocesses) can be killed at once.
      detached: true,
    });
    let last = Date.now();
    let lastFile = '(none yet)';
    let stalled = false;
    const onData = (sink) => (chunk) => {
      last = Date.now();
      sink.write(chunk);
      // eslint-disable-next-line no-control-regex
      const text = chunk.toString('utf8').replace(/\u001b\[[0-9;]*m/g, '');
      for (const m of text.matchAll(/^ [✓×❯↓] (test\/\S+)/gmu)) lastFile = m[1];
    };
    child.stdout.on('data', onData(process.stdout));
    child.stderr.on('data', onData(process.stderr));
    const forward = (signal) => () => {
      try {
        process.kill(-child.pid, signal);
      } catch {
        // Already gone.
      }
    };
    process.on('SIGINT', forward('SIGINT'));
    process.on('SIGTERM', forward('SIGTERM'));
    const timer = setInterval(() => {
      if (stalled || Date.now() - last < stallSeconds * 1000) return;
      stalled = true;
      clearInterval(timer);
      void diagnoseAndKill(child.pid, reportDir, attempt, lastFile);
    }, 1000);
    child.on('close', (code, signal) => {
      clearInterval(timer);
      process.removeAllListeners('SIGINT');
      process.removeAllListeners('SIGTERM');
      rmSync(reportDir, { recursive: true, force: true });
      resolve({ code: code ?? (signal ? 1 : 0), stalled });
    });
  });
}

for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
  const { code, stalled } = await runOnce(attempt);
  if (!stalled) process.exit(code);
  if (attempt < ATTEMPTS) say(`the stalled run was killed; running the whole suite again (attempt ${attempt + 1} of ${ATTEMPTS}). The diagnosis above says where it stood.`);
  else say(`the suite stalled in ${ATTEMPTS === 1 ? 'its only attempt' : `${ATTEMPTS} attempts`}: failing (exit 1).`);
}
process.exit(1);
