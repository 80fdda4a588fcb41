import { describe, expect, it } from 'vitest';
import type { ChatSyncStatus, CoreApi, CoreResult } from '../shared/core-api.js';
import { err, ok } from '../shared/result.js';
import { parseCommandLine } from './args.js';
import { chatSyncText } from './chat-status.js';
import { executeCommand, needsNetwork, type CoreCommand } from './commands.js';
import { EXIT } from './exit-codes.js';

const CHAT = 'c0'.repeat(16);
const dev = (n: number) => n.toString(16).padStart(2, '0').repeat(32);
const acct = (n: number) => (n + 0xa0).toString(16).repeat(32);

function parse(argv: string[]): CoreCommand {
  const r = parseCommandLine(argv);
  if (!r.ok) throw new Error(r.message);
  return r.value.command as CoreCommand;
}

function status(inSync: (boolean | null)[]): ChatSyncStatus {
  const devices = inSync.map((s, i) => ({ deviceId: dev(i + 1), account: acct(i === 0 ? 0 : 1), inSync: i === 0 ? true : s, current: i === 0, digestAt: s === null ? null : 1000 }));
  return { chatId: CHAT, devices, allInSync: devices.every((d) => d.inSync === true) };
}

/** A core that answers chatSyncStatus from a list (the last answer repeats) and counts sync calls. */
function fakeCore(answers: CoreResult<ChatSyncStatus>[]): CoreApi & { syncs: number; asked: number } {
  const core = {
    syncs: 0,
    asked: 0,
    async chatSyncStatus(chatId: string) {
      if (chatId !== CHAT) return err('UNKNOWN_CHAT', `no chat ${chatId} on this device`);
      return answers[Math.min(core.asked++, answers.length - 1)]!;
    },
    async sync() {
      core.syncs++;
      return ok({ topics: 1 });
    },
  };
  return core as unknown as CoreApi & { syncs: number; asked: number };
}

describe('cairn status CHAT_ID', () => {
  it('parses an optional CHAT_ID with --timeout; without one, status keeps its meaning', () => {
    expect(parse(['status'])).toEqual({ name: 'status', json: false });
    expect(parse(['status', '--json'])).toEqual({ name: 'status', json: true });
    expect(parse(['status', CHAT.toUpperCase(), '--json'])).toEqual({ name: 'status', json: true, chatId: CHAT, timeoutMs: 5000 });
    expect(parse(['status', CHAT, '--timeout', '2'])).toMatchObject({ chatId: CHAT, timeoutMs: 2000 });
    expect(needsNetwork(parse(['status', CHAT]))).toBe(true);
    expect(needsNetwork(parse(['status']))).toBe(false);
    for (const bad of [['status', '--timeout', '2'], ['status', CHAT, CHAT], ['status', 'not-hex'], ['status', CHAT, '--timeout', '0']]) {
      expect(parseCommandLine(bad)).toMatchObject({ ok: false, code: 'USAGE' });
    }
  });

  it('prints {"devices": [{"deviceId","account","inSync"}]} once every device was heard from', async () => {
    const core = fakeCore([ok(status([true, null, null])), ok(status([true, true, null])), ok(status([true, true, false]))]);
    const out = await executeCommand(parse(['status', CHAT, '--json']), core, { direct: false });
    expect(out).toMatchObject({ exit: EXIT.OK, error: null });
    const doc = JSON.parse(out.stdout) as ChatSyncStatus;
    expect(doc.devices.map((d) => [d.deviceId, d.account, d.inSync])).toEqual([
      [dev(1), acct(0), true],
      [dev(2), acct(1), true],
      [dev(3), acct(1), false],
    ]);
    expect(doc.allInSync).toBe(false);
    expect(core.syncs).toBe(0);
  });

  it('catches up first when the core runs here, and reports unheard devices as null after the timeout', async () => {
    const core = fakeCore([ok(status([true, null]))]);
    const out = await executeCommand(parse(['status', CHAT, '--json', '--timeout', '0.2']), core, { direct: true });
    expect(core.syncs).toBe(1);
    expect((JSON.parse(out.stdout) as ChatSyncStatus).devices[1]!.inSync).toBeNull();
  });

  it('fails with exit 1 for an unknown chat', async () => {
    const unknown = await executeCommand(parse(['status', 'ab'.repeat(16)]), fakeCore([]), {});
    expect(unknown).toMatchObject({ exit: EXIT.ERROR, stdout: '' });
    expect(unknown.error).toMatch(/no chat/);
  });

  it('names lagging devices in text', () => {
    expect(chatSyncText(status([true, true]))).toMatch(/^all 2 devices in sync\n/);
    const text = chatSyncText(status([true, false, null]));
    expect(text).toMatch(/^1 of 3 devices in sync\n/);
    expect(text).toContain(`${dev(2).slice(0, 16)}  account ${acct(1).slice(0, 16)}  LAGS`);
    expect(text).toContain('not heard from');
  });
});
