// How `cairn` gets the secret that unlocks a home: --key-file, else $CAIRN_PASSPHRASE, else a prompt on the
// terminal with echo off. Without any of them (no terminal) it fails clearly instead of hanging on stdin.
import type { HomeSecret } from '../main/home/index.js';
import { err, ok, type Result } from '../shared/result.js';

export type SecretSources = {
  keyFile: string | undefined;
  env: Record<string, string | undefined>;
  /** The terminal to prompt on, when stdin and stderr are one. */
  tty: { input: TtyInput; output: { write(text: string): unknown } } | null;
};

export type TtyInput = {
  setRawMode(raw: boolean): unknown;
  on(event: 'data', listener: (chunk: string | Buffer) => void): unknown;
  off(event: 'data', listener: (chunk: string | Buffer) => void): unknown;
  resume(): unknown;
  pause(): unknown;
};

export type SecretError = 'NO_PASSPHRASE' | 'EMPTY_PASSPHRASE';

/** The unlocking secret. `confirm` (for init) asks twice on a terminal and refuses a mismatch. */
export async function resolveSecret(sources: SecretSources, options: { confirm?: boolean } = {}): Promise<Result<HomeSecret, SecretError>> {
  if (sources.keyFile !== undefined) return ok({ keyFile: sources.keyFile });
  const fromEnv = sources.env.CAIRN_PASSPHRASE;
  if (fromEnv !== undefined) return fromEnv.length > 0 ? ok({ passphrase: fromEnv }) : err('EMPTY_PASSPHRASE', 'CAIRN_PASSPHRASE is set but empty');
  if (sources.tty === null) {
    return err('NO_PASSPHRASE', 'no passphrase: set CAIRN_PASSPHRASE, pass --key-file PATH, or run cairn on a terminal to be asked');
  }
  const first = await promptHidden(sources.tty, 'Passphrase: ');
  if (first === null) return err('NO_PASSPHRASE', 'no passphrase entered');
  if (first.length === 0) return err('EMPTY_PASSPHRASE', 'the passphrase must not be empty');
  if (options.confirm) {
    const second = await promptHidden(sources.tty, 'Passphrase again: ');
    if (second !== first) return err('NO_PASSPHRASE', 'the two passphrases differ');
  }
  return ok({ passphrase: first });
}

/** Reads one line from a terminal in raw mode without echoing it; null on Ctrl-C or Ctrl-D at an empty line. */
export function promptHidden(tty: NonNullable<SecretSources['tty']>, prompt: string): Promise<string | null> {
  const { input, output } = tty;
  output.write(prompt);
  return new Promise((resolve) => {
    let typed = '';
    const finish = (value: string | null): void => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      output.write('\n');
      resolve(value);
    };
    const onData = (chunk: string | Buffer): void => {
      for (const ch of typeof chunk === 'string' ? chunk : chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return finish(typed);
        if (ch === '\u0003') return finish(null);
        if (ch === '\u0004') return finish(typed.length > 0 ? typed : null);
        if (ch === '\u007f' || ch === '\b') typed = Array.from(typed).slice(0, -1).join('');
        else if (ch >= ' ') typed += ch;
      }
    };
    input.setRawMode(true);
    input.on('data', onData);
    input.resume();
  });
}
