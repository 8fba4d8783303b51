/** The register (declarations, acceptances, plans, triage): shown once the store carries one. */
import { html } from 'hono/html';
import type { ConsoleContext } from '../context';
import type { Html } from '../html';

export function registerPage(_ctx: ConsoleContext): Html {
  return html`<h1>Register</h1>
<p>This version of art32 records no register (declared compensating controls, risk acceptances, remediation plans, triage of activity findings). When it does, its entries and their history are listed here.</p>` as Html;
}
