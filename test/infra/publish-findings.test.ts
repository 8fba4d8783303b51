/**
 * The PublishFindings step in the synthesized template: a separate role that reads evidence,
 * puts only `source: art32` events on the default bus, imports into this account's Security Hub
 * only when configured, writes nothing to the table; the state machine runs it after FinalizeRun
 * and catches its failure so a sealed run is never reported failed because publishing was.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import type { Art32App } from '../../infra/app-builder';
import { TEST_CONFIG, cleanup, synthApp } from './app';

type Statement = { Effect: string; Action: string | string[]; Resource?: unknown; Condition?: Record<string, Record<string, unknown>> };
const list = <T,>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);

const built: Art32App[] = [];
afterAll(() => built.forEach((b) => cleanup(b.app)));

function synth(integrations?: unknown): Template {
  const app = synthApp(integrations === undefined ? TEST_CONFIG : { ...TEST_CONFIG, integrations });
  built.push(app);
  return Template.fromStack(app.collector);
}

/** Statements of the role whose logical id contains `PublishPublishFindings`. */
function publishStatements(t: Template): Statement[] {
  const out: Statement[] = [];
  for (const [id, r] of Object.entries(t.findResources('AWS::IAM::Policy'))) {
    if (!id.startsWith('PublishPublishFindingsRole')) continue;
    out.push(...list(r.Properties.PolicyDocument.Statement as Statement[]));
  }
  return out;
}
const actionsOf = (statements: Statement[]) => statements.flatMap((s) => list(s.Action));

function definition(t: Template): { States: Record<string, { Type: string; Next?: string; Catch?: { Next: string }[]; Retry?: unknown[] }> } {
  const [sm] = Object.values(t.findResources('AWS::StepFunctions::StateMachine'));
  const body = sm?.Properties.DefinitionString as { 'Fn::Join': [string, unknown[]] };
  const text = body['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : 'X')).join('');
  return JSON.parse(text);
}

describe('PublishFindings (default: events on, Security Hub off)', () => {
  const t = synth();

  it('puts only art32 events on the default bus and never writes evidence', () => {
    const statements = publishStatements(t);
    const put = statements.find((s) => list(s.Action).includes('events:PutEvents'));
    expect(put?.Condition).toEqual({ StringEquals: { 'events:source': 'art32' } });
    expect(JSON.stringify(put?.Resource)).toContain(':event-bus/default');
    const actions = actionsOf(statements);
    expect(actions.filter((a) => /^dynamodb:(Put|Update|Delete|BatchWrite|PartiQL(Insert|Update|Delete))/.test(a))).toEqual([]);
    expect(actions.filter((a) => a.startsWith('securityhub:'))).toEqual([]);
    expect(actions).toContain('dynamodb:Query');
  });

  it('runs after FinalizeRun, retried, and its failure is caught so the run still succeeds', () => {
    const states = definition(t).States;
    expect(states.FinalizeRun?.Next).toBe('PublishFindings');
    expect(states.PublishFindings?.Catch?.[0]?.Next).toBe('PublishFailed');
    expect(states.PublishFailed?.Type).toBe('Pass');
    expect(states.PublishFindings?.Retry?.length).toBeGreaterThanOrEqual(2);
  });

  it('has its own error alarm', () => {
    const alarms = Object.values(t.findResources('AWS::CloudWatch::Alarm')).map((a) => String(a.Properties.AlarmDescription));
    expect(alarms).toContain('art32: The publishFindings function reported errors');
  });
});

describe('PublishFindings with Security Hub', () => {
  it('imports only into this account\'s own product and hub', () => {
    const statements = publishStatements(synth({ events: false, securityHub: true }));
    expect(actionsOf(statements)).not.toContain('events:PutEvents');
    const hub = statements.filter((s) => list(s.Action).some((a) => a.startsWith('securityhub:')));
    expect(hub.map((s) => list(s.Action))).toEqual([['securityhub:BatchImportFindings'], ['securityhub:BatchUpdateFindings']]);
    expect(JSON.stringify(hub[0]?.Resource)).toContain(':product/');
    expect(JSON.stringify(hub[1]?.Resource)).toContain(':hub/default');
  });
});

describe('no integrations', () => {
  it('no function, and FinalizeRun ends the run', () => {
    const t = synth({ events: false, securityHub: false });
    expect(publishStatements(t)).toEqual([]);
    expect(definition(t).States.FinalizeRun?.Next).toBeUndefined();
  });

  it('an unknown integrations key is a configuration error naming it', () => {
    expect(() => synth({ events: true, slack: true })).toThrow(/integrations/);
  });
});
