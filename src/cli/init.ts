// `cairn init`: creates the home (under its lock) and the account with this device. A home whose init was
// interrupted after the home was created (it holds no account yet) is completed instead of refused.
import { mkdirSync } from 'node:fs';
import { acquireHomeLock, createHome, openHome, readLayout, type Home, type HomeSecret } from '../main/home/index.js';
import type { Sodium } from '../shared/crypto/sodium.js';
import { err, type Result } from '../shared/result.js';
import type { CoreBackend } from './backend.js';

export type InitOptions = {
  dir: string;
  name: string;
  relays: string[];
  secret: () => Promise<Result<HomeSecret, string>>;
  sodium: () => Promise<Sodium>;
  backend: () => Promise<Result<CoreBackend, string>>;
  /** Read for CAIRN_KDF_FAST (test-only cheap Argon2id costs). */
  env: Record<string, string | undefined>;
};

export async function initHome(options: InitOptions): Promise<Result<{ accountId: string; deviceId: string }, string>> {
  const { dir } = options;
  const existing = readLayout(dir);
  if (!existing.ok && existing.code === 'BAD_LAYOUT') return existing;
  const backend = await options.backend();
  if (!backend.ok) return backend;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const lock = acquireHomeLock(dir);
  if (!lock.ok) return lock;
  try {
    const secret = await options.secret();
    if (!secret.ok) return secret;
    const sodium = await options.sodium();
    const opened: Result<Home, string> = existing.ok ? openHome({ dir, sodium, ...secret.value }) : createHome({ dir, sodium, env: options.env, ...secret.value });
    if (!opened.ok) return opened;
    const home = opened.value;
    try {
      if (existing.ok && backend.value.hasAccount({ home, sodium })) return err('ALREADY_INITIALIZED', `${dir} already holds a Cairn account`);
      return await backend.value.initAccount({ home, sodium, name: options.name, relays: options.relays });
    } finally {
      home.close();
    }
  } finally {
    lock.value.release();
  }
}
