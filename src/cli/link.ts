// `cairn link request` (a new home becomes a device of an existing account), `cairn link approve CODE` and
// `cairn devices` (docs/CLI.md). approve and devices run on the session's core: this process's own, or the one
// of a running `cairn run` / `serve` through its control socket (the approval stays in that process).
import { mkdirSync } from 'node:fs';
import { loadIdentity, requestLink } from '../main/core/index.js';
import { acquireHomeLock, createHome, openHome, readLayout, type Home, type HomeSecret } from '../main/home/index.js';
import type { DeviceView } from '../shared/core-api.js';
import type { Sodium } from '../shared/crypto/sodium.js';
import type { Result } from '../shared/result.js';
import { failure, type Outcome } from './commands.js';
import { EXIT } from './exit-codes.js';
import { jsonLine } from './format.js';
import type { LinkCommand } from './link-args.js';
import type { SecretSources } from './passphrase.js';
import type { Session } from './session.js';

export type LinkRequestOptions = {
  dir: string;
  relay: string;
  deviceName: string | undefined;
  timeoutMs: number;
  secret: () => Promise<Result<HomeSecret, string>>;
  sodium: () => Promise<Sodium>;
  env: Record<string, string | undefined>;
  /** Writes to stdout (the code first, the result last). */
  print(text: string): Promise<void>;
  /** Writes to stderr (the security code). */
  printErr(text: string): Promise<void>;
};

/** Creates (or opens, if an earlier attempt made it) the home under its lock and runs the new device's side. */
export async function runLinkRequest(o: LinkRequestOptions): Promise<Outcome> {
  const existing = readLayout(o.dir);
  if (!existing.ok && existing.code === 'BAD_LAYOUT') return failure(existing.code, existing.message);
  mkdirSync(o.dir, { recursive: true, mode: 0o700 });
  const lock = acquireHomeLock(o.dir);
  if (!lock.ok) return failure(lock.code, lock.message);
  let home: Home | null = null;
  try {
    const secret = await o.secret();
    if (!secret.ok) return failure(secret.code, secret.message);
    const sodium = await o.sodium();
    const opened: Result<Home, string> = existing.ok ? openHome({ dir: o.dir, sodium, ...secret.value }) : createHome({ dir: o.dir, sodium, env: o.env, ...secret.value });
    if (!opened.ok) return failure(opened.code, opened.message);
    home = opened.value;
    if (loadIdentity(home.vault, sodium) !== null) return failure('ALREADY_INITIALIZED', `${o.dir} already holds a Cairn account`);
    const pending: Promise<void>[] = [];
    const r = await requestLink({
      home,
      sodium,
      relay: o.relay,
      ...(o.deviceName === undefined ? {} : { name: o.deviceName }),
      timeoutMs: o.timeoutMs,
      onCode: (code) => void pending.push(o.print(`${code}\n`)),
      onSas: (sas) => void pending.push(o.printErr(`Security code: ${sas} (check that the other device shows the same)\n`)),
    });
    await Promise.all(pending);
    if (!r.ok) return failure(r.code, r.message);
    return { stdout: jsonLine({ accountId: r.value.accountId, deviceId: r.value.deviceId, sas: r.value.sas }), exit: EXIT.OK, error: null };
  } finally {
    home?.close();
    lock.value.release();
  }
}

export type DeviceCommandDeps = { tty: SecretSources['tty']; printErr(text: string): Promise<void> };

/** `link approve` and `devices`, against a core this process runs. */
export async function runDeviceCommand(command: Exclude<LinkCommand, { name: 'link request' }>, session: Session, deps: DeviceCommandDeps): Promise<Outcome> {
  const core = session.core;
  if (command.name === 'devices') {
    const r = await core.devices();
    if (!r.ok) return failure(r.code, r.message);
    return { stdout: command.json ? jsonLine(r.value) : devicesText(r.value), exit: EXIT.OK, error: null };
  }
  if (command.name === 'devices revoke') {
    const r = await core.revokeDevice(await fullDeviceId(core, command.deviceId), { timeoutMs: command.timeoutMs });
    return r.ok ? { stdout: jsonLine(r.value), exit: EXIT.OK, error: null } : failure(r.code, r.message);
  }
  if (!command.yes && deps.tty === null) return failure('USAGE', 'link approve needs a terminal to confirm the security code on, or --yes once you compared it');
  const started = await core.approveLink(command.code, { timeoutMs: command.timeoutMs });
  if (!started.ok) return failure(started.code, started.message);
  const { linkId, sas, name } = started.value;
  await deps.printErr(`Security code: ${sas} (new device "${name}")\n`);
  const accept = command.yes || (await confirm(deps.tty!, `Does the new device show ${sas}? [y/N] `));
  const done = await core.confirmLink(linkId, accept, { timeoutMs: command.timeoutMs });
  if (!done.ok) return failure(done.code, done.message);
  return { stdout: jsonLine({ deviceId: done.value.deviceId, name: done.value.name, sas }), exit: EXIT.OK, error: null };
}

/** A unique prefix (8+ characters, as `cairn devices` shows 16) names the device; anything else goes as typed. */
async function fullDeviceId(core: Session['core'], id: string): Promise<string> {
  if (id.length < 8 || id.length >= 64) return id;
  const list = await core.devices();
  const matches = list.ok ? list.value.filter((d) => d.deviceId.startsWith(id)) : [];
  return matches.length === 1 ? matches[0]!.deviceId : id;
}

function devicesText(list: DeviceView[]): string {
  return list.map((d) => `${d.current ? '*' : ' '} ${d.deviceId.slice(0, 16)}  ${d.name || '(unnamed)'}  ${d.current ? 'this device' : d.lastSeen === null ? 'never seen' : `seen ${new Date(d.lastSeen).toISOString()}`}${d.stale === true ? '  STALE' : ''}\n`).join('');
}

/** Reads one visible line from the terminal; true for y or yes. */
function confirm(tty: NonNullable<SecretSources['tty']>, prompt: string): Promise<boolean> {
  const { input, output } = tty;
  output.write(prompt);
  return new Promise((resolve) => {
    let typed = '';
    const finish = (yes: boolean) => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      output.write('\n');
      resolve(yes);
    };
    const onData = (chunk: string | Buffer): void => {
      for (const ch of typeof chunk === 'string' ? chunk : chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return finish(/^y(es)?$/i.test(typed.trim()));
        if (ch === '\u0003' || ch === '\u0004') return finish(false);
        if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1);
        else if (ch >= ' ') {
          typed += ch;
          output.write(ch);
        }
      }
    };
    input.setRawMode(true);
    input.on('data', onData);
    input.resume();
  });
}
