/**
 * CDK entry (`cdk.json` → `npx tsx infra/app.ts`). Configuration: the `art32` context
 * key of cdk.json (see docs/deploy.md); a bad key stops synth with the key's name.
 */
import { ConfigError } from '../lib/config';
import { buildApp } from './app-builder';

try {
  buildApp().app.synth();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
