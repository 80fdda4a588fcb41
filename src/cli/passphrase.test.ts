import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { resolveSecret, type SecretSources } from './passphrase.js';

/** A terminal that types `keys` (one chunk per entry) once raw mode is on, and records what was echoed. */
function fakeTty(keys: string[]): { tty: NonNullable<SecretSources['tty']>; written: () => string; raw: () => boolean } {
  const input = new EventEmitter();
  let raw = false;
  let written = '';
  const queue = [...keys];
  const tty: NonNullable<SecretSources['tty']> = {
    input: {
      setRawMode: (r: boolean) => (raw = r),
      on: (e, l) => input.on(e, l),
      off: (e, l) => input.off(e, l),
      resume: () => {
        const next = queue.shift();
        if (next !== undefined) queueMicrotask(() => input.emit('data', next));
      },
      pause: () => {},
    },
    output: { write: (t: string) => (written += t) },
  };
  // Every prompt resumes once: feed one chunk per prompt.
  return { tty, written: () => written, raw: () => raw };
}

describe('resolveSecret', () => {
  it('prefers --key-file, then CAIRN_PASSPHRASE', async () => {
    expect(await resolveSecret({ keyFile: '/k', env: { CAIRN_PASSPHRASE: 'p' }, tty: null })).toEqual({ ok: true, value: { keyFile: '/k' } });
    expect(await resolveSecret({ keyFile: undefined, env: { CAIRN_PASSPHRASE: 'p' }, tty: null })).toEqual({ ok: true, value: { passphrase: 'p' } });
    expect(await resolveSecret({ keyFile: undefined, env: { CAIRN_PASSPHRASE: '' }, tty: null })).toMatchObject({ ok: false, code: 'EMPTY_PASSPHRASE' });
  });

  it('without a terminal it fails clearly instead of reading stdin', async () => {
    const r = await resolveSecret({ keyFile: undefined, env: {}, tty: null });
    expect(r).toMatchObject({ ok: false, code: 'NO_PASSPHRASE' });
    expect(!r.ok && r.message).toMatch(/CAIRN_PASSPHRASE.*--key-file/);
  });

  it('prompts on the terminal in raw mode without echo, handling backspace', async () => {
    const t = fakeTty(['secrex\u007ft\r']);
    const r = await resolveSecret({ keyFile: undefined, env: {}, tty: t.tty });
    expect(r).toEqual({ ok: true, value: { passphrase: 'secret' } });
    expect(t.written()).toBe('Passphrase: \n');
    expect(t.raw()).toBe(false);
  });

  it('asks twice for init and refuses a mismatch; Ctrl-C cancels', async () => {
    expect(await resolveSecret({ keyFile: undefined, env: {}, tty: fakeTty(['one\r', 'one\r']).tty }, { confirm: true })).toEqual({ ok: true, value: { passphrase: 'one' } });
    expect(await resolveSecret({ keyFile: undefined, env: {}, tty: fakeTty(['one\r', 'two\r']).tty }, { confirm: true })).toMatchObject({ ok: false, code: 'NO_PASSPHRASE' });
    expect(await resolveSecret({ keyFile: undefined, env: {}, tty: fakeTty(['ab\u0003']).tty })).toMatchObject({ ok: false, code: 'NO_PASSPHRASE' });
    expect(await resolveSecret({ keyFile: undefined, env: {}, tty: fakeTty(['\r']).tty })).toMatchObject({ ok: false, code: 'EMPTY_PASSPHRASE' });
  });
});
