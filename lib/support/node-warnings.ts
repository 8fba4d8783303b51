/**
 * The AWS SDK v3 warns on every process start that it will need Node >= 22 from 2027.
 * The tooling here is kept working on Node 20 on purpose (Lambda itself runs Node 24), so
 * the CLI and the test runner drop that one warning; every other warning passes through.
 */
const SDK_NODE_WARNING = /NodeVersionSupportWarning|will require node >=22/;

let installed = false;

export function silenceSdkNodeVersionWarning(): void {
  if (installed) return;
  installed = true;
  const emitWarning = process.emitWarning.bind(process) as (...args: unknown[]) => void;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const text = typeof warning === 'string' ? warning : warning.message;
    const first = rest[0];
    const type = typeof first === 'string' ? first : (first as { type?: string } | undefined)?.type ?? '';
    const name = typeof warning === 'string' ? '' : warning.name;
    if (SDK_NODE_WARNING.test(`${text} ${type} ${name}`)) return;
    emitWarning(warning, ...rest);
  }) as typeof process.emitWarning;
}
