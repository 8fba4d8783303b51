/**
 * The CLI's last line of defence for terminal output: while a command runs, every chunk written
 * to stdout or stderr goes through `terminalBlock`, so no ESC/CSI sequence, C1 control, carriage
 * return, bidi override or invisible character from an audited party's data reaches the
 * terminal (or a file the output is redirected to) raw, whatever command printed it and however
 * it assembled the text. Values should already be encoded for their sink (`terminalText` for a
 * table cell, `safeJson` for JSON, `csvField` for CSV); this guard only marks what slipped
 * through. art32's own layout survives: LF and tab, and a leading CR on stderr (progress lines
 * that rewrite themselves).
 */
import { terminalBlock } from '../support/sanitize';

type Write = typeof process.stdout.write;

function guardChunk(chunk: unknown, allowLeadingCr: boolean): unknown {
  const text = typeof chunk === 'string' ? chunk : chunk instanceof Uint8Array ? Buffer.from(chunk).toString('utf8') : chunk;
  if (typeof text !== 'string') return chunk;
  if (allowLeadingCr && text.startsWith('\r')) return `\r${terminalBlock(text.slice(1))}`;
  return terminalBlock(text);
}

/** Install the guard on stdout and stderr; returns the function that removes it. */
export function guardTerminalOutput(): () => void {
  const restores = ([
    [process.stdout, false],
    [process.stderr, true],
  ] as const).map(([stream, allowLeadingCr]) => {
    const original = stream.write;
    const guarded = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]): boolean {
      return (original as (...args: unknown[]) => boolean).call(this, guardChunk(chunk, allowLeadingCr), ...rest);
    };
    stream.write = guarded as Write;
    return () => {
      if (stream.write === (guarded as Write)) stream.write = original;
    };
  });
  return () => restores.forEach((restore) => restore());
}
