import { describe, expect, it } from 'vitest';
import { parseCommandLine } from './args.js';
import { executeCommand, needsNetwork, type CoreCommand } from './commands.js';
import { createFakeCore } from './fake-core.js';
import { commandHelp } from './usage.js';

function parse(...argv: string[]): CoreCommand {
  const r = parseCommandLine(argv);
  if (!r.ok) throw new Error(r.message);
  return r.value.command as CoreCommand;
}

describe('cairn relays', () => {
  it('parses list, add and remove, refusing a bad URL or a missing one', () => {
    expect(parse('relays', 'list', '--json')).toEqual({ name: 'relays list', json: true });
    expect(parse('relays', 'add', ' wss://relay.example.org ')).toEqual({ name: 'relays add', url: 'wss://relay.example.org' });
    expect(parse('relays', 'remove', 'ws://127.0.0.1:1')).toEqual({ name: 'relays remove', url: 'ws://127.0.0.1:1' });
    expect(parseCommandLine(['relays', 'add', 'http://x'])).toMatchObject({ ok: false, code: 'USAGE', message: expect.stringMatching(/not a ws:\/\/ or wss:\/\//) });
    expect(parseCommandLine(['relays', 'add'])).toMatchObject({ ok: false, code: 'USAGE' });
    expect(parseCommandLine(['relays'])).toMatchObject({ ok: false, code: 'USAGE', message: 'relays needs a subcommand: list, add, remove' });
    expect(needsNetwork(parse('relays', 'add', 'ws://a.example'))).toBe(true);
    expect(needsNetwork(parse('relays', 'list'))).toBe(false);
    expect(commandHelp('relays add')).toMatch(/^Usage: cairn \[--home DIR\] relays add URL/);
  });

  it('lists, adds and removes through the core, with the core’s refusals as exit codes', async () => {
    const core = createFakeCore();
    expect(await executeCommand(parse('relays', 'list', '--json'), core)).toEqual({ stdout: '[{"url":"ws://127.0.0.1:1","connected":false,"lastError":null}]\n', exit: 0, error: null });
    expect((await executeCommand(parse('relays', 'list'), core)).stdout).toBe('ws://127.0.0.1:1  offline\n');
    expect(await executeCommand(parse('relays', 'add', 'ws://127.0.0.1:2'), core)).toEqual({ stdout: '{"relays":["ws://127.0.0.1:1","ws://127.0.0.1:2"]}\n', exit: 0, error: null });
    expect(await executeCommand(parse('relays', 'add', 'ws://127.0.0.1:2'), core)).toMatchObject({ exit: 1, error: expect.stringMatching(/already/) });
    expect(await executeCommand(parse('relays', 'remove', 'ws://127.0.0.1:1'), core)).toEqual({ stdout: '{"relays":["ws://127.0.0.1:2"]}\n', exit: 0, error: null });
    expect(await executeCommand(parse('relays', 'remove', 'ws://127.0.0.1:2'), core)).toMatchObject({ exit: 1, error: expect.stringMatching(/only relay/) });
    expect(core.calls.map((c) => c.method)).toEqual(['whoami', 'status', 'whoami', 'status', 'addRelay', 'addRelay', 'removeRelay', 'removeRelay']);
  });
});
