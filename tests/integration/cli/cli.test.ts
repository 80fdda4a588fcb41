// The `cairn` CLI end to end: real processes (bin/cairn.js), a real relay process, two homes with real SQLite.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountId } from '../../../src/shared/ids.js';
import { encodeInvite } from '../../../src/shared/invite.js';
import { startRelay, type RelayProcess } from '../helpers/relay-process.js';
import { cairn, jsonOf, startOwner } from './cairn-process.js';

const PASS_A = 'alice passphrase';
const PASS_B = 'bob passphrase';
const HEX64 = /^[0-9a-f]{64}$/;

type Message = { id: string; chatId: string; author: string; device: string; text: string; sentAt: number };
type Chat = { chatId: string; title: string; members: string[]; unread: number; lastMessage: Message | null; request: boolean };

let relay: RelayProcess;
let root: string;
let homeA: string;
let homeB: string;
const A = { env: { CAIRN_PASSPHRASE: PASS_A } };
const B = { env: { CAIRN_PASSPHRASE: PASS_B } };
let alice: { accountId: string; deviceId: string };
let bob: { accountId: string; deviceId: string };
let codeA: string;
let codeB: string;
let chatId: string;

beforeAll(async () => {
  relay = await startRelay();
  root = mkdtempSync(join(tmpdir(), 'cairn-cli-e2e-'));
  homeA = join(root, 'a');
  homeB = join(root, 'b');
}, 60_000);

afterAll(async () => {
  await relay?.stop();
  rmSync(root, { recursive: true, force: true });
});

/** Fails with the command's stderr, so a broken step says why. */
function okRun(r: Awaited<ReturnType<typeof cairn>>): string {
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
  return r.stdout;
}

function oneLineError(r: Awaited<ReturnType<typeof cairn>>): string {
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(/^cairn: [^\n]+\n$/);
  return r.stderr;
}

describe('cairn end to end (steps depend on each other, in order)', () => {
  it('init creates two accounts and whoami reports them', async () => {
    alice = jsonOf(await cairn(homeA, ['init', '--name', 'Alice', '--relay', relay.url], A));
    bob = jsonOf(await cairn(homeB, ['init', '--name', 'Bob', '--relay', relay.url], B));
    for (const who of [alice, bob]) {
      expect(Object.keys(who).sort()).toEqual(['accountId', 'deviceId']);
      expect(who.accountId).toMatch(HEX64);
      expect(who.deviceId).toMatch(HEX64);
    }
    expect(jsonOf(await cairn(homeA, ['whoami', '--json'], A))).toMatchObject({ accountId: alice.accountId, deviceId: alice.deviceId, name: 'Alice' });
    expect(statSync(homeA).mode & 0o777).toBe(0o700);
  });

  it('invite prints the code as the last line', async () => {
    codeA = okRun(await cairn(homeA, ['invite'], A)).trimEnd().split('\n').at(-1)!;
    codeB = okRun(await cairn(homeB, ['invite'], B)).trimEnd().split('\n').at(-1)!;
    expect(codeA).toMatch(/^cairn:[a-z2-7]+$/);
  });

  it('a mistyped invite and an unknown account are refused: exit 1, no contact', async () => {
    const i = 12;
    const typo = codeB.slice(0, i) + (codeB[i] === 'a' ? 'b' : 'a') + codeB.slice(i + 1);
    const mistyped = await cairn(homeA, ['contact', 'add', typo], A);
    expect(mistyped.code).toBe(1);
    oneLineError(mistyped);
    const stranger = encodeInvite({ account: new Uint8Array(randomBytes(32)) as AccountId, relays: [relay.url] });
    const unknown = await cairn(homeA, ['contact', 'add', stranger], A);
    expect(unknown.code).toBe(1);
    oneLineError(unknown);
    expect(jsonOf(await cairn(homeA, ['contacts', '--json'], A))).toEqual([]);
  });

  it('contact add, chat new, send, sync; the other side receives it as a message request', async () => {
    expect(jsonOf(await cairn(homeA, ['contact', 'add', codeB], A))).toEqual({ accountId: bob.accountId, name: 'Bob' });
    expect(jsonOf(await cairn(homeA, ['contacts', '--json'], A))).toEqual([{ accountId: bob.accountId, name: 'Bob', status: expect.any(String) }]);
    chatId = jsonOf<{ chatId: string }>(await cairn(homeA, ['chat', 'new', '--with', bob.accountId], A)).chatId;
    const sent = jsonOf<{ messageId: string }>(await cairn(homeA, ['send', chatId, 'hello Bob'], A));
    okRun(await cairn(homeA, ['sync', '--timeout', '20'], A));
    okRun(await cairn(homeB, ['sync', '--timeout', '20'], B));

    const chats = jsonOf<Chat[]>(await cairn(homeB, ['chats', '--json'], B));
    expect(chats).toHaveLength(1);
    expect(Object.keys(chats[0]!).sort()).toEqual(['chatId', 'lastMessage', 'members', 'request', 'title', 'unread']);
    expect(chats[0]).toMatchObject({ chatId, request: true });
    expect(chats[0]!.members.sort()).toEqual([alice.accountId, bob.accountId].sort());

    const messages = jsonOf<Message[]>(await cairn(homeB, ['messages', chatId, '--json'], B));
    expect(messages).toEqual([{ id: sent.messageId, chatId, author: alice.accountId, device: alice.deviceId, text: 'hello Bob', sentAt: expect.any(Number) }]);
  });

  it('the reply travels back; messages are oldest to newest on both sides', async () => {
    jsonOf(await cairn(homeB, ['contact', 'add', codeA], B));
    expect(jsonOf(await cairn(homeB, ['chat', 'accept', chatId], B))).toMatchObject({ chatId, request: false });
    jsonOf(await cairn(homeB, ['send', chatId, 'hi Alice'], B));
    okRun(await cairn(homeB, ['sync', '--timeout', '20'], B));
    okRun(await cairn(homeA, ['sync', '--timeout', '20'], A));
    const texts = jsonOf<Message[]>(await cairn(homeA, ['messages', chatId, '--json'], A)).map((m) => m.text);
    expect(texts).toEqual(['hello Bob', 'hi Alice']);
    const search = jsonOf<Array<{ chatId: string; text: string }>>(await cairn(homeA, ['search', 'Alice', '--json'], A));
    expect(search.map((h) => h.text)).toContain('hi Alice');
    const md = okRun(await cairn(homeA, ['export', chatId, '--format', 'md'], A));
    expect(md).toContain('hello Bob');
  });

  it('while cairn run owns a home, commands go through its socket (no passphrase needed); SIGTERM exits 0', async () => {
    const owner = await startOwner(homeA, A.env);
    expect(statSync(join(homeA, 'cairn.sock')).mode & 0o777).toBe(0o600);
    // A second owner is refused at once.
    const second = await cairn(homeA, ['run'], A);
    expect(second.code).toBe(5);
    expect(oneLineError(second)).toContain(String(owner.pid));
    // Without any passphrase and without a terminal, only the owner's core can have run this.
    const sent = jsonOf<{ messageId: string }>(await cairn(homeA, ['send', chatId, 'via the owner'], { env: {} }));
    expect(sent.messageId).toMatch(/^[0-9a-f]+$/);
    okRun(await cairn(homeA, ['sync', '--timeout', '20'], { env: {} }));
    okRun(await cairn(homeB, ['sync', '--timeout', '20'], B));
    const texts = jsonOf<Message[]>(await cairn(homeB, ['messages', chatId, '--json'], B)).map((m) => m.text);
    expect(texts.at(-1)).toBe('via the owner');
    expect(await owner.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(existsSync(join(homeA, 'cairn.sock'))).toBe(false);
    expect(existsSync(join(homeA, 'cairn.lock'))).toBe(false);
  });

  it('a wrong passphrase exits 3 with one line and changes nothing', async () => {
    const db = join(homeA, 'cairn.db');
    const before = readFileSync(db);
    const r = await cairn(homeA, ['whoami', '--json'], { env: { CAIRN_PASSPHRASE: 'not it' } });
    expect(r.code).toBe(3);
    oneLineError(r);
    expect(readFileSync(db).equals(before)).toBe(true);
    const none = await cairn(homeA, ['whoami'], { env: {} });
    expect(none.code).toBe(3);
    oneLineError(none);
  });

  it('sync exits 4 naming the relay when it is unreachable', async () => {
    await relay.stop();
    const r = await cairn(homeA, ['sync', '--timeout', '2'], A);
    expect(r.code).toBe(4);
    expect(oneLineError(r)).toContain(relay.url.replace(/\/$/, ''));
  });
});

describe('usage', () => {
  it('--help lists every command and the exit codes; a bad flag exits 2 with one line', async () => {
    const help = await cairn(join(tmpdir(), 'cairn-nohome'), ['--help']);
    expect(help.code).toBe(0);
    for (const c of ['init', 'whoami', 'invite', 'contact add', 'contacts', 'chat new', 'chats', 'send', 'sync', 'messages', 'search', 'export', 'run']) expect(help.stdout).toContain(`  ${c}`);
    expect(help.stdout).toContain('Exit codes:');
    const bad = await cairn(join(tmpdir(), 'cairn-nohome'), ['messages', '--limit', 'x']);
    expect(bad.code).toBe(2);
    oneLineError(bad);
  });

  it('a home that was never initialized is a one-line error', async () => {
    const r = await cairn(join(tmpdir(), `cairn-none-${process.pid}`), ['whoami', '--json'], A);
    expect(r.code).toBe(1);
    expect(oneLineError(r)).toMatch(/cairn init/);
  });
});
