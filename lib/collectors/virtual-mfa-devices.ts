/**
 * ListVirtualMFADevices (AssignmentStatus=Any, all pages). Tells whether root's MFA is
 * virtual (its serial is `arn:aws:iam::<id>:mfa/root-account-mfa-device`) or hardware
 * (root has MFA per GetAccountSummary but no virtual device assigned).
 */
import { paginateListVirtualMFADevices } from '@aws-sdk/client-iam';
import type { VirtualMfaDevice } from '../snapshot';
import { allPages, call, toJson } from './operation';
import type { SectionContext } from './types';

export async function collectVirtualMfaDevices(ctx: SectionContext): Promise<VirtualMfaDevice[]> {
  const devices = await call('iam:ListVirtualMFADevices', undefined, () =>
    allPages(paginateListVirtualMFADevices({ client: ctx.clients.iam }, { AssignmentStatus: 'Any' }), (p) => p.VirtualMFADevices),
  );
  // Keep what the rules judge; the device's Base32 seed / QR code are never requested nor kept.
  return devices.map((d) =>
    toJson<VirtualMfaDevice>({ SerialNumber: d.SerialNumber, User: d.User, EnableDate: d.EnableDate }),
  );
}
