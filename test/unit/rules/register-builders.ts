/** Register views for rule tests: real hashed, chained items (lib/register/build), no shortcuts. */
import { nextRegisterItem } from '../../../lib/register/build';
import type { RegisterItem, RegisterKind, RegisterView } from '../../../lib/register/types';
import { registerView } from '../../../lib/register/view';
import { ACCOUNT, NOW } from './builders';

export function registerOf(...entries: { kind: RegisterKind; payload: Record<string, unknown>; accountId?: string; recordedAt?: string; id?: string }[]): RegisterView {
  const items: RegisterItem[] = [];
  let n = 0;
  for (const e of entries) {
    n += 1;
    items.push(
      nextRegisterItem(
        items[items.length - 1],
        { kind: e.kind, accountId: e.accountId ?? ACCOUNT, payload: e.payload, declarant: { identity: 'dpo@host', via: 'os' }, recordedAt: e.recordedAt ?? '2026-01-15T09:00:00Z', ...(e.id ? { id: e.id } : {}) },
        () => Buffer.from(`00000000000${n}`.slice(-12), 'hex'),
      ),
    );
  }
  return registerView(items, ACCOUNT, new Date(NOW).toISOString());
}

export const declare = (payload: Record<string, unknown>, extra: { accountId?: string; recordedAt?: string } = {}) => ({ kind: 'declaration' as const, payload, ...extra });
