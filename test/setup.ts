import { silenceSdkNodeVersionWarning } from '../lib/support/node-warnings';

silenceSdkNodeVersionWarning();
