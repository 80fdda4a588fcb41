import { describe, expect, it } from 'vitest';
import { err } from '../shared/result.js';
import { parseCommandLine } from './args.js';
import { executeCommand, needsNetwork, type CoreCommand, type Outcome } from './commands.js';
import { EXIT } from './exit-codes.js';
import { FAKE_ACCOUNT, FAKE_CHAT, FAKE_CONTACT, FAKE_DEVICE, FAKE_INVITE, createFakeCore, type FakeCore } from './fake-core.js';

function parse(argv: string[]): CoreCommand {
  const r = parseCommandLine(argv);
  if (!r.ok) throw new Error(r.message);
  return r.value.command as CoreCommand;
}

async function exec(argv: string[], core: FakeCore = createFakeCore(), readFile?: (p: string) => Uint8Array): Promise<Outcome> {
  return executeCommand(parse(argv), core, readFile ? { readFile } : {});
}

/** Exactly one JSON document on stdout. */
function json(outcome: Outcome): unknown {
  expect(outcome.exit).toBe(EXIT.OK);
  expect(outcome.error).toBeNull();
  expect(outcome.stdout.endsWith('\n')).toBe(true);
  expect(outcome.stdout.trimEnd().split('\n')).toHaveLength(1);
  return JSON.parse(outcome.stdout);
}

const keys = (v: unknown) => Object.keys(v as object).sort();

describe('JSON documents of the CLI contract', () => {
  it('whoami --json', async () => {
    expect(json(await exec(['whoami', '--json']))).toEqual({ accountId: FAKE_ACCOUNT, deviceId: FAKE_DEVICE, name: 'Alice', status: '', relays: ['ws://127.0.0.1:1'] });
  });

  it('invite prints the code as the last line', async () => {
    const out = await exec(['invite']);
    expect(out.stdout.trimEnd().split('\n').at(-1)).toBe(FAKE_INVITE);
    expect(json(await exec(['invite', '--json']))).toEqual({ code: FAKE_INVITE });
  });

  it('contact add prints {accountId, name} only', async () => {
    expect(json(await exec(['contact', 'add', FAKE_INVITE]))).toEqual({ accountId: FAKE_CONTACT, name: 'Bob' });
  });

  it('contacts --json is [{accountId, name, status}]', async () => {
    expect(json(await exec(['contacts', '--json']))).toEqual([{ accountId: FAKE_CONTACT, name: 'Bob', status: 'here' }]);
  });

  it('chat new passes every --with and the title', async () => {
    const core = createFakeCore();
    expect(json(await exec(['chat', 'new', '--with', FAKE_CONTACT, '--title', 'Plans'], core))).toEqual({ chatId: FAKE_CHAT });
    expect(core.calls).toEqual([{ method: 'createChat', args: [{ with: [FAKE_CONTACT], title: 'Plans' }] }]);
  });

  it('chats --json has exactly the contract fields, lastMessage shaped as in messages', async () => {
    const list = json(await exec(['chats', '--json'])) as Array<Record<string, unknown>>;
    expect(list).toHaveLength(1);
    expect(keys(list[0])).toEqual(['chatId', 'lastMessage', 'members', 'request', 'title', 'unread']);
    expect(list[0]).toMatchObject({ chatId: FAKE_CHAT, title: 'Bob', members: [FAKE_ACCOUNT, FAKE_CONTACT], unread: 2, request: false });
    expect(keys(list[0]!.lastMessage)).toEqual(['author', 'chatId', 'device', 'id', 'sentAt', 'text']);
  });

  it('send prints {messageId} and the message is then listed last', async () => {
    const core = createFakeCore();
    const { messageId } = json(await exec(['send', FAKE_CHAT, 'hi there'], core)) as { messageId: string };
    const list = json(await exec(['messages', FAKE_CHAT, '--json'], core)) as Array<{ id: string; text: string }>;
    expect(list.at(-1)).toMatchObject({ id: messageId, text: 'hi there' });
  });

  it('messages --json: oldest to newest, default 50, --limit and --before passed through', async () => {
    const core = createFakeCore();
    const list = json(await exec(['messages', FAKE_CHAT, '--json'], core)) as Array<Record<string, unknown>>;
    expect(list).toHaveLength(50);
    expect(keys(list[0])).toEqual(['author', 'chatId', 'device', 'id', 'sentAt', 'text']);
    const times = list.map((m) => m.sentAt as number);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    const more = json(await exec(['messages', FAKE_CHAT, '--json', '--limit', '100', '--before', list[0]!.id as string], core)) as unknown[];
    expect(more).toHaveLength(70);
    expect(core.calls.at(-1)).toEqual({ method: 'messages', args: [FAKE_CHAT, { limit: 100, before: list[0]!.id }] });
  });

  it('search --json adds the chat title and snippet to each message', async () => {
    const hits = json(await exec(['search', 'message 7', '--json'])) as Array<Record<string, unknown>>;
    expect(hits.length).toBeGreaterThan(0);
    expect(keys(hits[0])).toEqual(['author', 'chatId', 'chatTitle', 'device', 'id', 'sentAt', 'snippet', 'text']);
  });

  it('export writes the core text to stdout; sync prints {topics}; status --json', async () => {
    expect((await exec(['export', FAKE_CHAT, '--format', 'md'])).stdout).toBe('# Bob\n');
    const core = createFakeCore();
    expect(json(await exec(['sync', '--timeout', '3'], core))).toEqual({ topics: 2 });
    expect(core.calls).toEqual([{ method: 'sync', args: [{ timeoutMs: 3000 }] }]);
    expect(json(await exec(['status', '--json']))).toMatchObject({ outbox: 0, online: false });
  });
});

describe('failures: exit code and one line', () => {
  it('a mistyped invite and an unknown account exit 1 with the reason', async () => {
    const bad = await exec(['contact', 'add', 'cairn:garbage']);
    expect(bad).toEqual({ stdout: '', exit: EXIT.ERROR, error: 'no relay knows this account' });
    expect((await exec(['contact', 'add', 'hello'])).exit).toBe(EXIT.ERROR);
  });

  it('relay unreachable and timeouts exit 4, naming the relay', async () => {
    const core = createFakeCore({ syncResult: err('RELAY_UNREACHABLE', 'cannot reach ws://127.0.0.1:9\nafter 3 attempts') });
    const out = await exec(['sync'], core);
    expect(out).toEqual({ stdout: '', exit: EXIT.UNREACHABLE, error: 'cannot reach ws://127.0.0.1:9 after 3 attempts' });
    expect((await exec(['sync'], createFakeCore({ syncResult: err('TIMEOUT', 't') }))).exit).toBe(EXIT.UNREACHABLE);
  });

  it('an unknown chat exits 1', async () => {
    const out = await exec(['send', 'ee'.repeat(16), 'x']);
    expect(out.exit).toBe(EXIT.ERROR);
    expect(out.error).toBe('no such chat');
  });
});

describe('profile set', () => {
  it('reads the avatar file and passes its bytes and mime', async () => {
    const core = createFakeCore();
    const bytes = new Uint8Array([137, 80, 78, 71]);
    json(await exec(['profile', 'set', '--status', 'away', '--avatar', '/x/me.PNG'], core, () => bytes));
    expect(core.calls[0]).toEqual({ method: 'setProfile', args: [{ status: 'away', avatar: { mime: 'image/png', bytes } }] });
  });

  it('refuses other file types and avatars that are too large, without calling the core', async () => {
    const core = createFakeCore();
    expect((await exec(['profile', 'set', '--avatar', 'me.gif'], core, () => new Uint8Array(1))).exit).toBe(EXIT.USAGE);
    expect((await exec(['profile', 'set', '--avatar', 'me.jpg'], core, () => new Uint8Array(70_000))).exit).toBe(EXIT.ERROR);
    expect(core.calls).toEqual([]);
  });
});

describe('human output', () => {
  it('keeps each message on one line', async () => {
    const core = createFakeCore();
    await exec(['send', FAKE_CHAT, 'two\nlines'], core);
    const out = await exec(['messages', FAKE_CHAT, '--limit', '1'], core);
    expect(out.stdout.split('\n')).toHaveLength(2);
    expect(out.stdout).toContain('two lines');
  });
});

it('network commands are the ones that talk to relays', () => {
  expect(needsNetwork(parse(['sync']))).toBe(true);
  expect(needsNetwork(parse(['contact', 'add', 'x']))).toBe(true);
  expect(needsNetwork(parse(['send', FAKE_CHAT, 'x']))).toBe(false);
  expect(needsNetwork(parse(['messages', FAKE_CHAT]))).toBe(false);
});
