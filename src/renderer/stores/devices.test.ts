import { beforeEach, describe, expect, it } from 'vitest';
import type { FakeCore } from '../testing/fake-core.js';
import { ME_DEVICE } from '../testing/fake-core.js';
import { withFakeCore } from '../testing/setup.js';
import { linkCodeProblem, useDevicesStore } from './devices.js';

const CODE = 'cairn-link:abcdefgh234567';

describe('devices store', () => {
  let core: FakeCore;
  beforeEach(() => {
    core = withFakeCore();
  });

  it('lists the devices and names them', async () => {
    const devices = useDevicesStore();
    expect(await devices.load()).toBe(true);
    expect(devices.list).toMatchObject([{ deviceId: ME_DEVICE, name: 'This laptop', current: true }]);
    expect(devices.nameOf(ME_DEVICE)).toBe('This laptop');
    expect(devices.nameOf('ab'.repeat(32))).toBe('Device abababab');
    core.failNext('devices', 'INTERNAL', 'db gone');
    expect(await devices.load()).toBe(false);
    expect(devices.loadError?.code).toBe('INTERNAL');
  });

  it('links a device: code, SAS, confirm; then the list shows it', async () => {
    const devices = useDevicesStore();
    await devices.load();
    devices.startLink();
    expect(devices.step).toBe('code');
    expect(await devices.approve(`  ${CODE.toUpperCase()} `)).toBe(true);
    expect(core.calls.find((c) => c.method === 'approveLink')?.args).toEqual([CODE]);
    expect(devices.step).toBe('sas');
    expect(devices.approval).toMatchObject({ sas: '482 193', name: 'New laptop' });
    expect(await devices.confirm(true)).toBe(true);
    expect(devices.step).toBe('done');
    expect(devices.linked).toMatchObject({ name: 'New laptop' });
    expect(devices.list.map((d) => d.name)).toEqual(['This laptop', 'New laptop']);
    expect(core.calls.filter((c) => c.method === 'confirmLink').map((c) => c.args[1])).toEqual([true]);
  });

  it('checks the code before asking, shows refusals, and cancelling tells the new device no', async () => {
    const devices = useDevicesStore();
    devices.startLink();
    expect(await devices.approve('')).toBe(false);
    expect(devices.linkError?.text).toMatch(/Paste the link code/);
    expect(await devices.approve('cairn:invitecode')).toBe(false);
    expect(devices.linkError?.text).toMatch(/not a link code/);
    expect(core.calls.some((c) => c.method === 'approveLink')).toBe(false);
    core.failNext('approveLink', 'NOT_ALLOWED', 'the link code has expired');
    expect(await devices.approve(CODE)).toBe(false);
    expect(devices.linkError?.text).toMatch(/expired/);
    expect(devices.step).toBe('code');
    expect(await devices.approve(CODE)).toBe(true);
    expect(await devices.confirm(false)).toBe(true);
    expect(devices.step).toBe('idle');
    expect(core.calls.filter((c) => c.method === 'confirmLink').map((c) => c.args[1])).toEqual([false]);
    expect((await core.devices()).ok && (await core.devices())).toMatchObject({ value: [{ current: true }] });
  });

  it('closing while the SAS shows declines the link', async () => {
    const devices = useDevicesStore();
    devices.startLink();
    await devices.approve(CODE);
    devices.closeLink();
    expect(devices.step).toBe('idle');
    await Promise.resolve();
    expect(core.calls.filter((c) => c.method === 'confirmLink').map((c) => c.args[1])).toEqual([false]);
  });

  it('revokes another device, and shows why the core refused', async () => {
    const devices = useDevicesStore();
    devices.startLink();
    await devices.approve(CODE);
    await devices.confirm(true);
    const other = devices.list.find((d) => !d.current)!.deviceId;
    core.failNext('revokeDevice', 'TIMEOUT', 'no relay answered');
    expect(await devices.revoke(other)).toBe(false);
    expect(devices.revokeError?.code).toBe('TIMEOUT');
    expect(await devices.revoke(other)).toBe(true);
    expect(devices.revokeError).toBeNull();
    expect(devices.revoking).toBeNull();
    expect(devices.list.map((d) => d.deviceId)).toEqual([ME_DEVICE]);
  });

  it('knows a link code when it sees one', () => {
    expect(linkCodeProblem(CODE)).toBeNull();
    expect(linkCodeProblem('CAIRN-LINK:ABC')).toBeNull();
    expect(linkCodeProblem('cairn-link:abc def')).not.toBeNull();
  });
});
