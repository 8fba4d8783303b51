// Side-effect entry for `node --import`: benchmarks run as plain scripts, so the SDK's
// Node 20 notice is dropped here the same way the CLI and the test runner drop it.
import { silenceSdkNodeVersionWarning } from './node-warnings';

silenceSdkNodeVersionWarning();
