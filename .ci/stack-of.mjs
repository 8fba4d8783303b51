#!/usr/bin/env node
// Prints the JavaScript stack of a running Node process, even one spinning in synchronous code: SIGUSR1 opens its
// inspector (127.0.0.1:9229), Debugger.pause interrupts the running JavaScript, and the paused call frames are the
// answer. Used by .ci/vitest-guard.mjs on a stalled test run; the process is killed right after, so it is left paused.
// A Node diagnostic report (SIGUSR2) cannot do this: its handler runs on the event loop, which a spinning thread
// never returns to.
//
// Usage: node stack-of.mjs PID   (on Node 20, with --experimental-websocket; WebSocket is global from Node 22)
/* global fetch, WebSocket */
import { setTimeout as sleep } from 'node:timers/promises';
import { setTimeout } from 'node:timers';

const pid = Number(process.argv[2]);
const fail = (why) => {
  console.log(`  no JavaScript stack for pid ${pid}: ${why}`);
  process.exit(0);
};
if (!Number.isInteger(pid) || pid <= 0) fail('no process id given');
setTimeout(() => fail('the inspector did not answer within 15 s (the thread may be blocked in a system call)'), 15_000).unref();

try {
  process.kill(pid, 'SIGUSR1');
} catch (e) {
  fail(e instanceof Error ? e.message : String(e));
}
let target;
// Up to 8 s: on a machine loaded 15 deep the inspector's thread can take seconds to start.
for (let i = 0; i < 80 && !target; i++) {
  await sleep(100);
  try {
    target = (await (await fetch('http://127.0.0.1:9229/json/list')).json())[0];
  } catch {
    // Not listening yet.
  }
}
if (!target) fail('its inspector did not open on 127.0.0.1:9229 (a thread blocked in a system call never starts it: see its state above)');

const ws = new WebSocket(target.webSocketDebuggerUrl);
let nextId = 0;
const pending = new Map();
const call = (method, params = {}) =>
  new Promise((resolve) => {
    const id = ++nextId;
    pending.set(id, resolve);
    ws.send(JSON.stringify({ id, method, params }));
  });
ws.onerror = () => fail('the inspector connection failed');
const urls = new Map();
ws.onmessage = async (message) => {
  const data = JSON.parse(String(message.data));
  if (data.id !== undefined) pending.get(data.id)?.(data);
  if (data.method === 'Debugger.scriptParsed' && data.params.url) urls.set(data.params.scriptId, data.params.url);
  if (data.method !== 'Debugger.paused') return;
  const frames = data.params.callFrames;
  // Another process may hold port 9229: say whose stack this is.
  const who = await call('Debugger.evaluateOnCallFrame', { callFrameId: frames[0]?.callFrameId, expression: 'process.pid' });
  const seenPid = who.result?.result?.value;
  const lines = [`  JavaScript stack of pid ${seenPid ?? '?'}${seenPid === pid ? '' : ` (NOT the pid asked for, ${pid}: another process holds 127.0.0.1:9229)`}:`];
  for (const f of frames.slice(0, 40)) lines.push(`    at ${f.functionName || '(anonymous)'} (${f.url || urls.get(f.location.scriptId) || '?'}:${f.location.lineNumber + 1}:${f.location.columnNumber + 1})`);
  console.log(lines.join('\n'));
  process.exit(0);
};
ws.onopen = async () => {
  await call('Debugger.enable');
  await call('Debugger.pause');
  // The pause takes effect at the next JavaScript statement: a thread that runs none is idle, not stuck in code.
  setTimeout(() => fail('its JavaScript is idle: nothing runs (it waits on a promise, a timer or I/O: see the handles of its report)'), 5_000).unref();
};
