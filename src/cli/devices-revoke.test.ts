// `cairn devices revoke DEVICE_ID`: parsing, the call it makes on the core (a unique prefix of 8+ characters names a
// device), and how refusals exit.
import { describe, expect, it } from 'vitest';
import { parseCommandLine } from './args.js';
import { EXIT, exitCodeFor } from './exit-codes.js';
import { FAKE_DEVICE, FAKE_LINK_CODE, FAKE_LINK_ID, FAKE_NEW_DEVICE, createFakeCore } from './fake-core.js';
import { runDeviceCommand } from './link.js';
import { commandHelp } from './usage.js';

function revokeCommand(argv: string[]) {
  const r = parseCommandLine(['devices', 'revoke', ...argv]);
  if (!r.ok) throw new Error(r.message);
  if (r.value.command.name !== 'devices revoke') throw new Error(`parsed as ${r.value.command.name}`);
  return r.value.command;
}

async function linkedFake() {
  const core = createFakeCore();
  await core.approveLink(FAKE_LINK_CODE);
  await core.confirmLink(FAKE_LINK_ID, true);
  return core;
}

const deps = { tty: null, printErr: async () => undefined };
const session = (core: ReturnType<typeof createFakeCore>) => ({ core, via: 'direct' as const, close: async () => undefined });

describe('cairn devices revoke', () => {
  it('parses the device id and --timeout, keeps `devices` itself, and has help', () => {
    expect(revokeCommand([FAKE_NEW_DEVICE.toUpperCase()])).toEqual({ name: 'devices revoke', deviceId: FAKE_NEW_DEVICE, timeoutMs: 10_000 });
    expect(revokeCommand([FAKE_NEW_DEVICE, '--timeout', '3'])).toMatchObject({ timeoutMs: 3000 });
    expect(parseCommandLine(['devices', 'revoke'])).toMatchObject({ ok: false, code: 'USAGE' });
    expect(parseCommandLine(['devices', '--json'])).toMatchObject({ ok: true, value: { command: { name: 'devices', json: true } } });
    expect(parseCommandLine(['help', 'devices', 'revoke'])).toMatchObject({ ok: true, value: { command: { name: 'help', topic: 'devices revoke' } } });
    expect(commandHelp('devices revoke')).toContain('devices revoke DEVICE_ID');
  });

  it('revokes by full id or unique prefix and prints {"deviceId"}', async () => {
    const core = await linkedFake();
    const out = await runDeviceCommand(revokeCommand([FAKE_NEW_DEVICE.slice(0, 16)]), session(core), deps);
    expect(out).toMatchObject({ exit: EXIT.OK, error: null });
    expect(JSON.parse(out.stdout)).toEqual({ deviceId: FAKE_NEW_DEVICE });
    expect(core.calls.filter((c) => c.method === 'revokeDevice')).toEqual([{ method: 'revokeDevice', args: [FAKE_NEW_DEVICE, { timeoutMs: 10_000 }] }]);
    expect((await core.devices()).ok && (await core.devices())).toMatchObject({ value: [{ deviceId: FAKE_DEVICE }] });
  });

  it('exits non-zero for an unknown id and for this device, with the core error', async () => {
    const core = await linkedFake();
    const unknown = await runDeviceCommand(revokeCommand(['ab'.repeat(32)]), session(core), deps);
    expect(unknown).toMatchObject({ exit: exitCodeFor('INVALID_ARGUMENT'), error: 'not a device of this account' });
    const self = await runDeviceCommand(revokeCommand([FAKE_DEVICE]), session(core), deps);
    expect(self).toMatchObject({ exit: exitCodeFor('NOT_ALLOWED'), error: 'this is the current device' });
    expect(self.exit).not.toBe(EXIT.OK);
  });
});
