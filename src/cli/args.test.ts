import { describe, expect, it } from 'vitest';
import { parseCommandLine, type Command } from './args.js';
import { ALL_TOPICS, commandHelp, overviewHelp } from './usage.js';

const CHAT = 'ab'.repeat(16);
const ACCOUNT = 'cd'.repeat(32);

function command(argv: string[]): Command {
  const r = parseCommandLine(argv);
  if (!r.ok) throw new Error(r.message);
  return r.value.command;
}

function usageError(argv: string[]): string {
  const r = parseCommandLine(argv);
  if (r.ok) throw new Error(`expected a usage error for ${argv.join(' ')}`);
  expect(r.code).toBe('USAGE');
  expect(r.message).not.toContain('\n');
  return r.message;
}

describe('global options', () => {
  it('takes --home and --key-file before the command, in both spellings', () => {
    const r = parseCommandLine(['--home', '/h', '--key-file=/k', 'whoami', '--json']);
    expect(r.ok && r.value).toEqual({ globals: { home: '/h', keyFile: '/k' }, command: { name: 'whoami', json: true } });
    const e = parseCommandLine(['--home=/x', 'contacts']);
    expect(e.ok && e.value.globals.home).toBe('/x');
  });

  it('leaves the home to resolveHomeDir when --home is absent', () => {
    const r = parseCommandLine(['chats']);
    expect(r.ok && r.value.globals).toEqual({ home: undefined, keyFile: undefined });
  });

  it('accepts --key-file after the command too', () => {
    const r = parseCommandLine(['send', CHAT, 'hi', '--key-file', '/k']);
    expect(r.ok && r.value.globals.keyFile).toBe('/k');
  });

  it('refuses --home after the command, unknown global options and a missing value', () => {
    expect(usageError(['whoami', '--home', '/h'])).toMatch(/home/);
    expect(usageError(['--nope', 'whoami'])).toMatch(/unknown global option --nope/);
    expect(usageError(['--home'])).toMatch(/--home needs a value/);
    expect(usageError([])).toMatch(/no command/);
    expect(usageError(['frobnicate'])).toMatch(/unknown command "frobnicate"/);
    expect(usageError(['chat', 'delete'])).toMatch(/unknown command "chat delete"/);
    expect(usageError(['contact'])).toMatch(/needs a subcommand/);
  });
});

describe('help', () => {
  it('cairn --help, cairn help and every command --help', () => {
    expect(command(['--help'])).toEqual({ name: 'help', topic: null });
    expect(command(['help'])).toEqual({ name: 'help', topic: null });
    expect(command(['help', 'chat', 'new'])).toEqual({ name: 'help', topic: 'chat new' });
    for (const topic of ALL_TOPICS) {
      expect(command([...topic.split(' '), '--help'])).toEqual({ name: 'help', topic });
      expect(command(['--help', ...topic.split(' ')])).toEqual({ name: 'help', topic });
      expect(commandHelp(topic)).toContain(`cairn [--home DIR] ${topic}`);
    }
    // --help wins over missing arguments.
    expect(command(['send', '--help'])).toEqual({ name: 'help', topic: 'send' });
  });

  it('the overview lists every command and the exit codes', () => {
    const text = overviewHelp();
    for (const topic of ALL_TOPICS) expect(text).toContain(`  ${topic}`);
    expect(text).toContain('Exit codes:\n  0  ok\n  1  error');
    expect(text).toContain('3  cannot unlock');
    expect(text).toContain('4  a relay is unreachable');
  });

  it('--version', () => {
    expect(command(['--version'])).toEqual({ name: 'version' });
  });
});

describe('commands', () => {
  it('init', () => {
    expect(command(['init', '--name', ' Alice ', '--relay', 'ws://127.0.0.1:1', '--relay', 'wss://r.example/x'])).toEqual({
      name: 'init',
      displayName: 'Alice',
      relays: ['ws://127.0.0.1:1', 'wss://r.example/x'],
    });
    expect(usageError(['init', '--relay', 'ws://a'])).toMatch(/--name/);
    expect(usageError(['init', '--name', 'A'])).toMatch(/--relay/);
    expect(usageError(['init', '--name', 'A', '--relay', 'http://a'])).toMatch(/not a ws/);
    expect(usageError(['init', '--name', 'A', '--relay', 'ws://a', '--relay', 'ws://a'])).toMatch(/twice/);
  });

  it('contact add, contacts, invite, whoami', () => {
    expect(command(['contact', 'add', ' cairn:abc '])).toEqual({ name: 'contact add', code: 'cairn:abc' });
    expect(command(['contacts', '--json'])).toEqual({ name: 'contacts', json: true });
    expect(command(['contacts'])).toEqual({ name: 'contacts', json: false });
    expect(command(['invite'])).toEqual({ name: 'invite', json: false });
    expect(command(['whoami', '--json'])).toEqual({ name: 'whoami', json: true });
    expect(usageError(['contact', 'add'])).toMatch(/takes CODE/);
    expect(usageError(['contacts', 'extra'])).toMatch(/unexpected "extra"/);
    expect(usageError(['whoami', '--jsn'])).toMatch(/whoami: Unknown option '--jsn'/);
  });

  it('chat new / accept / block, chats', () => {
    expect(command(['chat', 'new', '--with', ACCOUNT.toUpperCase(), '--with', ACCOUNT, '--title', 'T'])).toEqual({ name: 'chat new', with: [ACCOUNT], title: 'T' });
    expect(command(['chat', 'new', '--with', ACCOUNT])).toEqual({ name: 'chat new', with: [ACCOUNT], title: undefined });
    expect(usageError(['chat', 'new'])).toMatch(/--with/);
    expect(usageError(['chat', 'new', '--with', 'zz'])).toMatch(/hex id/);
    expect(command(['chat', 'accept', CHAT])).toEqual({ name: 'chat accept', chatId: CHAT });
    expect(command(['chat', 'block', CHAT])).toEqual({ name: 'chat block', chatId: CHAT });
    expect(command(['chats', '--json'])).toEqual({ name: 'chats', json: true });
  });

  it('send, with text after -- and a reply', () => {
    expect(command(['send', CHAT, 'hello world'])).toEqual({ name: 'send', chatId: CHAT, text: 'hello world', replyTo: undefined });
    expect(command(['send', CHAT, '--', '--not-a-flag'])).toEqual({ name: 'send', chatId: CHAT, text: '--not-a-flag', replyTo: undefined });
    expect(command(['send', '--reply-to', CHAT, CHAT, 'x'])).toMatchObject({ replyTo: CHAT });
    expect(usageError(['send', CHAT])).toMatch(/takes CHAT_ID TEXT/);
    expect(usageError(['send', CHAT, ''])).toMatch(/empty/);
    expect(usageError(['send', 'not-hex', 'x'])).toMatch(/CHAT_ID must be a hex id/);
    expect(usageError(['send', CHAT, 'x'.repeat(65537)])).toMatch(/longer/);
  });

  it('sync --timeout', () => {
    expect(command(['sync'])).toEqual({ name: 'sync', timeoutMs: 30_000 });
    expect(command(['sync', '--timeout', '2.5'])).toEqual({ name: 'sync', timeoutMs: 2500 });
    expect(usageError(['sync', '--timeout', '0'])).toMatch(/--timeout/);
    expect(usageError(['sync', '--timeout', 'soon'])).toMatch(/--timeout/);
  });

  it('messages: default limit 50, --limit, --before', () => {
    expect(command(['messages', CHAT, '--json'])).toEqual({ name: 'messages', chatId: CHAT, json: true, limit: 50, before: undefined });
    expect(command(['messages', CHAT, '--limit', '500', '--before', 'AB'.repeat(16)])).toEqual({ name: 'messages', chatId: CHAT, json: false, limit: 500, before: 'ab'.repeat(16) });
    expect(usageError(['messages', CHAT, '--limit', '0'])).toMatch(/--limit/);
    expect(usageError(['messages', CHAT, '--limit', '-3'])).toMatch(/--limit/);
    expect(usageError(['messages', CHAT, '--limit', '2.5'])).toMatch(/--limit/);
  });

  it('search, export, profile set, status, run', () => {
    expect(command(['search', 'hello there', '--json', '--chat', CHAT, '--limit', '5'])).toEqual({ name: 'search', query: 'hello there', json: true, chatId: CHAT, limit: 5 });
    expect(usageError(['search', ' '])).toMatch(/empty/);
    expect(command(['export', CHAT, '--format', 'md'])).toEqual({ name: 'export', chatId: CHAT, format: 'md' });
    expect(command(['export', CHAT, '--format=json'])).toEqual({ name: 'export', chatId: CHAT, format: 'json' });
    expect(usageError(['export', CHAT])).toMatch(/--format md/);
    expect(usageError(['export', CHAT, '--format', 'html'])).toMatch(/--format md/);
    expect(command(['profile', 'set', '--name', 'A', '--status', 'away'])).toEqual({ name: 'profile set', displayName: 'A', status: 'away', avatar: undefined });
    expect(command(['profile', 'set', '--no-avatar'])).toEqual({ name: 'profile set', displayName: undefined, status: undefined, avatar: null });
    expect(usageError(['profile', 'set'])).toMatch(/needs/);
    expect(usageError(['profile', 'set', '--avatar', 'a.png', '--no-avatar'])).toMatch(/not both/);
    expect(command(['status', '--json'])).toEqual({ name: 'status', json: true });
    expect(command(['run'])).toEqual({ name: 'run' });
    expect(usageError(['run', 'now'])).toMatch(/no arguments/);
  });
});
