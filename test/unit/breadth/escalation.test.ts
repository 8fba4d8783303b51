import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeBreadth, escalationsUnkept } from '../../../lib/breadth/analyze';
import { loadCatalog } from '../../../lib/breadth/catalog';
import { ESCALATION_PATHS, escalationIndex, heldActionsOf, heldEscalationMasks, SlotLists, type EscalationIndex, type EscalationMatch } from '../../../lib/breadth/escalation';
import { hasBit, newBitset, setBit, type Bitset } from '../../../lib/breadth/bitset';
import { allow, deny, details, input, roleArn, userArn, type Stmt } from './helpers';

const catalog = loadCatalog();
const PATHS = new Map(ESCALATION_PATHS.map((p) => [p.id, p]));

function pathsOf(statements: Stmt[], type: 'user' | 'role' = 'role'): string[] {
  const d = type === 'role' ? details({ roles: [{ name: 'p', inline: [statements] }] }) : details({ users: [{ name: 'p', inline: [statements] }] });
  return analyzeBreadth(input(d), catalog).principals[0]!.escalations.map((e) => e.path);
}

describe('privilege-escalation paths', () => {
  // Every path: granting its first action of each step opens it (positive);
  // removing any one step closes it (negative).
  for (const path of ESCALATION_PATHS) {
    it(`${path.id}: open with ${path.steps.map((s) => s[0]).join(' + ')}, closed when a step is missing`, () => {
      const actions = path.steps.map((s) => s[0]!);
      expect(pathsOf([allow(actions)])).toContain(path.id);
      for (let i = 0; i < actions.length; i++) {
        const without = actions.filter((_, j) => j !== i);
        if (without.length) expect(pathsOf([allow(without)]), `without ${actions[i]}`).not.toContain(path.id);
      }
      expect(pathsOf([allow(actions), deny(actions[0]!)])).not.toContain(path.id);
    });
  }

  it('any alternative of a step opens the path (lambda: CreateEventSourceMapping instead of InvokeFunction)', () => {
    expect(pathsOf([allow(['iam:PassRole', 'lambda:CreateFunction', 'lambda:CreateEventSourceMapping'])])).toContain('passrole-lambda');
    expect(pathsOf([allow(['iam:PassRole', 'lambda:CreateFunction'])])).not.toContain('passrole-lambda');
  });

  it('wildcards open paths: iam:* opens every IAM-only path', () => {
    const open = pathsOf([allow('iam:*')]);
    for (const id of ['create-policy-version', 'attach-role-policy', 'put-user-policy', 'add-user-to-group', 'create-access-key']) expect(open).toContain(id);
    expect(open).not.toContain('update-assume-role-policy'); // needs sts:AssumeRole too
  });

  it('self-service credentials (own access key, own password) are not escalation', () => {
    const self = `arn:aws:iam::*:user/\${aws:username}`;
    expect(pathsOf([allow(['iam:CreateAccessKey', 'iam:UpdateLoginProfile', 'iam:CreateLoginProfile'], self)], 'user')).toEqual([]);
    expect(pathsOf([allow('iam:CreateAccessKey', userArn('p'))], 'user')).toEqual([]);
    expect(pathsOf([allow('iam:CreateAccessKey', 'arn:aws:iam::*:user/*')], 'user')).toEqual(['create-access-key']);
  });

  it('attaching a policy to oneself is escalation even when scoped to self', () => {
    expect(pathsOf([allow('iam:PutUserPolicy', `arn:aws:iam::*:user/\${aws:username}`)], 'user')).toEqual(['put-user-policy']);
  });

  it('names the granting policies and marks conditional grants', () => {
    const d = details({
      roles: [{ name: 'ops', managed: ['Deploy'], inline: [[allow('ec2:RunInstances', '*', { Condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-3' } } })]] }],
      policies: { Deploy: [allow('iam:PassRole', 'arn:aws:iam::*:role/app-*')] },
    });
    const [ops] = analyzeBreadth(input(d), catalog).principals;
    expect(ops!.escalations).toEqual([
      {
        path: 'passrole-ec2',
        title: expect.any(String),
        unconditional: false,
        grants: [
          { action: 'iam:PassRole', policies: ['Deploy'], conditional: false, onAllResources: false },
          { action: 'ec2:RunInstances', policies: ['inline-0'], conditional: true, onAllResources: true },
        ],
      },
    ]);
  });

  it('onAllResources per list: right past the first rows, and per clause, not per first pattern', () => {
    // 24 roles, each its own list (a row of the analysis' list facts: more rows than the first
    // allocation's 16). Every clause starts with the same pattern; only the even ones add '*'.
    const roles = Array.from({ length: 24 }, (_, i) => ({
      name: `r${String(i).padStart(2, '0')}`,
      inline: [[allow('iam:PutRolePolicy', i % 2 === 0 ? ['arn:aws:iam::*:role/app', '*', roleArn(`x${i}`)] : ['arn:aws:iam::*:role/app', roleArn(`x${i}`)])]],
    }));
    const principals = analyzeBreadth(input(details({ roles })), catalog).principals;
    expect(principals).toHaveLength(24);
    for (const p of principals) {
      const i = Number(p.name.slice(1));
      const grants = p.escalations.find((e) => e.path === 'put-role-policy')?.grants;
      expect(grants, p.name).toEqual([{ action: 'iam:PutRolePolicy', policies: ['inline-0'], conditional: false, onAllResources: i % 2 === 0 }]);
    }
  });

  it('admin-equivalent principals are left to the admin rule (no paths listed)', () => {
    expect(pathsOf([allow('*')])).toEqual([]);
  });

  it('escalationPaths lists the paths of escalations without building them, one object per shared escalations array', () => {
    const passToLambda = allow('iam:PassRole', roleArn('lambda-exec'), { Condition: { StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } } });
    const d = details({
      users: [
        // Same set, same naming: one shared object; the access-key grant names alice (self for her only).
        ...['alice', 'bob'].map((name) => ({ name, groups: ['ops'] })),
        { name: 'carol', inline: [[allow('iam:CreateAccessKey', userArn('alice'))]] },
        { name: 'dan', inline: [[allow('iam:CreateAccessKey', userArn('dan'))]] },
      ],
      groups: [{ name: 'ops', inline: [[allow('iam:CreateAccessKey', userArn('alice')), allow('iam:PassRole', '*'), allow('ec2:RunInstances', '*', { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } })]] }],
      roles: [
        { name: 'deployer', inline: [[passToLambda, allow(['lambda:CreateFunction', 'lambda:InvokeFunction'])]] },
        { name: 'quiet', inline: [[allow('s3:ListBucket')]] },
      ],
    });
    const { principals } = analyzeBreadth(input(d), catalog);
    for (const p of principals) {
      expect(p.escalationPaths.paths.map((h) => [h.id, h.unconditional, h.scoped]), p.key).toEqual(p.escalations.map((m) => [m.path, m.unconditional, m.scopedPassRole !== undefined]));
    }
    const of = (name: string) => principals.find((p) => p.name === name)!;
    expect(of('alice').escalationPaths.paths.map((h) => h.id)).toEqual(['passrole-ec2']);
    expect(of('bob').escalationPaths.paths.map((h) => h.id)).toEqual(['create-access-key', 'passrole-ec2']);
    expect(of('carol').escalationPaths.paths.map((h) => h.id)).toEqual(['create-access-key']);
    expect(of('dan').escalationPaths.paths).toEqual([]);
    expect(of('deployer').escalationPaths.paths).toMatchObject([{ id: 'passrole-lambda', scoped: true }]);
    expect(of('quiet').escalationPaths.paths).toEqual([]);
    // The paths depend on the ARN here: alice and bob share nothing.
    expect(of('alice').escalationPaths).not.toBe(of('bob').escalationPaths);
  });

  it('a grant naming one member of a policy set is self-service for that member alone, whichever member is analysed first', () => {
    // One one-resource grant (the answer compares a single ARN): the set's first principal's answer
    // holds for another member only when neither ARN is the one compared.
    const group = { name: 'ops', inline: [[allow('iam:CreateAccessKey', userArn('alice'))]] };
    for (const order of [
      ['alice', 'bob', 'carol'],
      ['bob', 'alice', 'carol'],
      ['carol', 'bob', 'alice'],
    ]) {
      const d = details({ users: order.map((name) => ({ name, groups: ['ops'] })), groups: [group] });
      const paths = new Map(analyzeBreadth(input(d), catalog).principals.map((p) => [p.name, p.escalationPaths.paths.map((h) => h.id)]));
      expect(paths.get('alice'), order.join()).toEqual([]);
      expect(paths.get('bob'), order.join()).toEqual(['create-access-key']);
      expect(paths.get('carol'), order.join()).toEqual(['create-access-key']);
    }
  });

  it('principals with the same named policies share their escalations and escalationPaths', () => {
    // Two resources: the grants reach beyond self whoever holds them (no ARN read).
    const d = details({ users: ['a', 'b', 'c'].map((name) => ({ name, groups: ['ops'] })), groups: [{ name: 'ops', inline: [[allow(['iam:PassRole', 'ec2:RunInstances'], ['*', 'arn:aws:ec2:*:*:instance/*'])]] }] });
    const [a, b, c] = analyzeBreadth(input(d), catalog).principals;
    expect(a!.escalationPaths.paths.map((h) => h.id)).toEqual(['passrole-ec2']);
    expect(b!.escalationPaths).toBe(a!.escalationPaths);
    expect(c!.escalations).toBe(a!.escalations);
    expect(JSON.parse(JSON.stringify(a))).toMatchObject({ key: 'user/a', escalations: [{ path: 'passrole-ec2' }] });
    expect(Object.keys(JSON.parse(JSON.stringify(a))).at(-1)).toBe('escalations');
  });

  it('policy sets with the same open paths share one paths array, in an analysis and not across analyses', () => {
    // Three sets (different inline policies), two with the same paths, one with another path too.
    const grant = allow(['iam:PassRole', 'ec2:RunInstances'], ['*', 'arn:aws:ec2:*:*:instance/*']);
    const d = details({
      roles: [
        { name: 'r1', inline: [[grant]] },
        { name: 'r2', inline: [[grant, allow('s3:GetObject')]] },
        { name: 'r3', inline: [[grant, allow('iam:CreatePolicyVersion', ['*', 'arn:aws:iam::*:policy/x'])]] },
      ],
    });
    const of = (principals: readonly { key: string; escalationPaths: { paths: readonly unknown[] } }[], name: string) => principals.find((p) => p.key === `role/${name}`)!.escalationPaths.paths;
    const first = analyzeBreadth(input(d), catalog).principals;
    expect(of(first, 'r1').length).toBeGreaterThan(0);
    expect(of(first, 'r2')).toBe(of(first, 'r1'));
    expect(of(first, 'r3')).not.toBe(of(first, 'r1'));
    expect(of(first, 'r3').length).toBeGreaterThan(of(first, 'r1').length);
    // Another analysis (a new details object) interns its own arrays, equal ones.
    const second = analyzeBreadth(input(details({ roles: [{ name: 'r1', inline: [[grant]] }] })), catalog).principals;
    expect(of(second, 'r1')).toEqual(of(first, 'r1'));
    expect(of(second, 'r1')).not.toBe(of(first, 'r1'));
  });

  it('escalationPaths (found per policy set) agrees with escalations (walked per principal) on random grants', () => {
    const self = `arn:aws:iam::*:user/\${aws:username}`;
    const actions = ['iam:PassRole', 'ec2:RunInstances', 'lambda:CreateFunction', 'lambda:InvokeFunction', 'iam:CreateAccessKey', 'iam:UpdateLoginProfile', 'iam:PutUserPolicy', 'iam:CreatePolicyVersion', 'iam:Create*', 'glue:CreateDevEndpoint', 'cloudformation:CreateStack'];
    // 'u*' (not a valid IAM name, but an ARN the snapshot could hold): a pattern with a wildcard can then be the principal's own ARN.
    const resources = ['*', userArn('u0'), userArn('u1'), self, roleArn('r0'), 'arn:aws:iam::*:user/*', userArn('u*')];
    const conditions = [undefined, { Bool: { 'aws:MultiFactorAuthPresent': 'true' } }, { StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } }, { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } }];
    const statement = fc
      .record({ action: fc.subarray(actions, { minLength: 1, maxLength: 3 }), resource: fc.subarray(resources, { minLength: 1, maxLength: 2 }), condition: fc.constantFrom(...conditions) })
      .map(({ action, resource, condition }) => allow(action, resource, condition ? { Condition: condition } : {}));
    // PassRole to one named role for one service: the scoped case.
    const scopedPassRole = fc.constantFrom('lambda', 'ec2').map((service) => allow('iam:PassRole', roleArn('r0'), { Condition: { StringEquals: { 'iam:PassedToService': `${service}.amazonaws.com` } } }));
    const statements = fc.array(fc.oneof(statement, scopedPassRole), { minLength: 1, maxLength: 3 });
    const policies = fc.array(statements, { minLength: 1, maxLength: 2 });
    fc.assert(
      fc.property(fc.array(policies, { minLength: 5, maxLength: 5 }), statements, (inline, group) => {
        const d = details({
          users: ['u0', 'u1', 'u2', 'u*'].map((name, i) => ({ name, inline: inline[i % 3], groups: ['g'] })),
          groups: [{ name: 'g', inline: [group] }],
          roles: ['r0', 'r1'].map((name, i) => ({ name, inline: inline[3 + i] })),
        });
        for (const p of analyzeBreadth(input(d), catalog).principals) {
          // Unconditional when every step has a grant without a condition (read from the grants, not copied).
          const unconditional = (m: EscalationMatch) => PATHS.get(m.path)!.steps.every((step) => m.grants.some((g) => step.includes(g.action) && !g.conditional));
          expect(p.escalationPaths.paths.map((h) => [h.id, h.unconditional, h.scoped]), p.key).toEqual(p.escalations.map((m) => [m.path, unconditional(m), m.scopedPassRole !== undefined]));
        }
      }),
      { numRuns: 150 },
    );
  });

  it('escalationsUnkept equals escalations (shared, own or none; read before or after them) and keeps nothing', () => {
    const self = `arn:aws:iam::*:user/\${aws:username}`;
    const actions = ['iam:PassRole', 'ec2:RunInstances', 'lambda:CreateFunction', 'iam:CreateAccessKey', 'iam:PutUserPolicy', 'iam:CreatePolicyVersion', 'iam:AttachUserPolicy'];
    const resources = ['*', userArn('u0'), userArn('u1'), self, roleArn('r0')];
    const statement = fc
      .record({ action: fc.subarray(actions, { minLength: 1, maxLength: 3 }), resource: fc.subarray(resources, { minLength: 1, maxLength: 2 }), conditional: fc.boolean() })
      .map(({ action, resource, conditional }) => allow(action, resource, conditional ? { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } } : {}));
    const statements = fc.array(statement, { minLength: 1, maxLength: 3 });
    fc.assert(
      fc.property(fc.array(statements, { minLength: 4, maxLength: 4 }), statements, fc.boolean(), (inline, group, unkeptFirst) => {
        const d = details({
          users: ['u0', 'u1', 'u2', 'u3'].map((name, i) => ({ name, inline: [inline[i % 2]!], groups: ['g'] })),
          groups: [{ name: 'g', inline: [group] }],
          roles: ['r0', 'r1'].map((name, i) => ({ name, inline: [inline[2 + i]!] })),
        });
        const principals = analyzeBreadth(input(d), catalog).principals;
        // Read twice: an unkept read builds anew (equal, not the same array) until `escalations` keeps one.
        if (unkeptFirst) for (const p of principals) if (p.escalationPaths.paths.length) expect(escalationsUnkept(p), p.key).not.toBe(escalationsUnkept(p));
        const plain = (m: readonly EscalationMatch[]) => JSON.parse(JSON.stringify(m));
        for (const p of principals) {
          const unkept = escalationsUnkept(p);
          expect(plain(unkept), p.key).toEqual(plain(p.escalations));
          expect(escalationsUnkept(p), p.key).toBe(p.escalations);
        }
      }),
      { numRuns: 150 },
    );
  });
});

/** The analysis's two steps for one set: its masks (null when it holds no path action), then the per-action reading. */
function heldEscalationActions(granted: Bitset, conditional: Bitset, index: EscalationIndex): Uint8Array | null {
  const masks = new Int32Array(2 * index.maskWords);
  return heldEscalationMasks(granted, conditional, index, masks, 0) ? heldActionsOf(masks, 0, index) : null;
}

describe('heldEscalationMasks + heldActionsOf', () => {
  it('reads each path action as granted (2), conditional only (1) or not held (0)', () => {
    const catalog = loadCatalog();
    const index = escalationIndex(catalog);
    const ids = Array.from(index.ids);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...ids), fc.boolean(), fc.boolean()), { maxLength: 30 }), (picks) => {
        const granted = newBitset(catalog.size);
        const conditional = newBitset(catalog.size);
        for (const [id, g, c] of picks) {
          if (g) setBit(granted, id);
          if (c) setBit(conditional, id);
        }
        const expected = ids.map((id) => (hasBit(granted, id) ? 2 : hasBit(conditional, id) ? 1 : 0));
        const held = heldEscalationActions(granted, conditional, index);
        if (expected.every((k) => k === 0)) expect(held).toBeNull();
        else expect(Array.from(held!)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});

describe('SlotLists (the open-path arrays interned by their slots)', () => {
  // Against the simple version: a map keyed by the slots' text. With the real hash, and with a
  // constant one (every list collides: only the comparison of the lists tells them apart).
  for (const [name, hash] of [
    ['its hash', undefined],
    ['a constant hash', () => 7],
    ['a hash of the length alone', (_: Int32Array, count: number) => count],
  ] as const) {
    it(`gives one value per distinct list, as a map by text does (${name})`, () => {
      fc.assert(
        fc.property(fc.array(fc.oneof(fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 4 }), fc.array(fc.integer({ min: 0, max: 180 }), { maxLength: 6 })), { maxLength: 40 }), (lists) => {
          const interned = new SlotLists<{ text: string }>(hash);
          const byText = new Map<string, { text: string }>();
          // A scratch array longer than the list, with stale numbers past it (as heldPaths' pathSlots).
          const scratch = new Int32Array(16).fill(99);
          for (const list of lists) {
            scratch.set(list);
            let value = interned.get(scratch, list.length);
            const text = list.join(',');
            if (!value) interned.add(scratch, list.length, (value = { text }));
            if (!byText.has(text)) byText.set(text, value);
            // The value made for this list, the same object each time.
            expect(value.text).toBe(text);
            expect(value).toBe(byText.get(text));
            scratch.fill(99);
          }
        }),
        { numRuns: 300 },
      );
    });
  }
});
