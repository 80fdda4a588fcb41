import { describe, expect, it } from 'vitest';
import { RecordKind } from '../../shared/frames.js';
import type { DocSpec } from '../sync/doc-registry.js';
import { ACCOUNT_DOC } from './context.js';
import type { CoreContext } from './context.js';
import { createPolicy } from './policy.js';

const ME = 'a'.repeat(64);
const spec = { id: ACCOUNT_DOC, kind: 'account', relays: ['ws://relay'] } as unknown as DocSpec;

/** A context whose directory learns the owner of `device` on the fetch numbered `foundOnFetch` (1-based). */
function fakeContext(device: string, foundOnFetch: number) {
  const clock = { now: 0 };
  const fetches: { kind: RecordKind; account: string }[] = [];
  let known = false;
  const gate: { open(): void } = { open: () => undefined };
  const ctx = {
    me: { account: ME },
    now: () => clock.now,
    relays: () => ['ws://relay'],
    timing: { requestTimeoutMs: 1000 },
    directory: {
      ownerOf: (hex: string) => (known && hex === device ? ME : null),
      fetch: async (kind: RecordKind, account: string) => {
        fetches.push({ kind, account });
        await new Promise<void>((r) => (gate.open = r));
        if (fetches.length >= foundOnFetch) known = true;
        return 'found';
      },
    },
  } as unknown as CoreContext;
  const policy = createPolicy(() => ctx, { inbox: () => ({ kind: 'skip' }) });
  return { policy, clock, fetches, gate };
}

describe('sender policy: refetching device lists for an unknown device', () => {
  it('shares one refetch among concurrent asks and then counts the device as a member', async () => {
    const device = '1'.repeat(64);
    const { policy, fetches, gate } = fakeContext(device, 1);
    expect(policy.membership(spec, device)).toBe('unknown');
    const asks = [policy.refreshMembers(spec, device), policy.refreshMembers(spec, device), policy.refreshMembers(spec, device)];
    await Promise.resolve();
    gate.open();
    expect(await Promise.all(asks)).toEqual([true, true, true]);
    expect(fetches).toEqual([{ kind: RecordKind.DeviceList, account: ME }]);
    expect(policy.membership(spec, device)).toBe('member');
  });

  it('does not look a device the refetch did not find up again for 10 s', async () => {
    const device = '2'.repeat(64);
    const { policy, clock, fetches, gate } = fakeContext(device, 2);
    const first = policy.refreshMembers(spec, device);
    await Promise.resolve();
    gate.open();
    expect(await first).toBe(true);
    expect(policy.membership(spec, device)).toBe('unknown');
    clock.now = 9_999;
    expect(await policy.refreshMembers(spec, device)).toBe(true);
    expect(fetches).toHaveLength(1);
    clock.now = 10_000;
    const again = policy.refreshMembers(spec, device);
    await Promise.resolve();
    gate.open();
    expect(await again).toBe(true);
    expect(fetches).toHaveLength(2);
    expect(policy.membership(spec, device)).toBe('member');
  });
});
