// The home directory's cairn.json: what format and layout version the directory holds and how its master key
// is derived, so later releases can recognise and migrate it. Written once at creation, atomically.
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { err, ok, type Result } from '../../shared/result.js';

export const LAYOUT_FILE = 'cairn.json';
export const LAYOUT_FORMAT = 'cairn-home';
export const LAYOUT_VERSION = 1;
export const DB_FILE = 'cairn.db';
export const LOCK_FILE = 'cairn.lock';
export const SOCKET_FILE = 'cairn.sock';

export const SALT_BYTES = 16;
/** Bounds on stored KDF costs, so an edited cairn.json cannot make opening a home allocate gigabytes. */
export const KDF_BOUNDS = { minOps: 1, maxOps: 64, minMem: 8192, maxMem: 4 * 1024 ** 3 } as const;

export type PassphraseKdf = { alg: 'argon2id13'; ops: number; mem: number; salt: string };
export type KeyFileKdf = { alg: 'keyfile' };
export type KdfParams = PassphraseKdf | KeyFileKdf;

export type HomeLayout = {
  format: typeof LAYOUT_FORMAT;
  layout: typeof LAYOUT_VERSION;
  /** The database file name, relative to the home directory. */
  db: string;
  kdf: KdfParams;
  createdAt: string;
};

export type LayoutError = 'NOT_INITIALIZED' | 'BAD_LAYOUT';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isIntIn = (v: unknown, min: number, max: number): v is number => Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max;

function parseKdf(v: unknown): KdfParams | null {
  if (!isObject(v)) return null;
  if (v.alg === 'keyfile') return { alg: 'keyfile' };
  if (v.alg !== 'argon2id13') return null;
  const { ops, mem, salt } = v;
  if (!isIntIn(ops, KDF_BOUNDS.minOps, KDF_BOUNDS.maxOps) || !isIntIn(mem, KDF_BOUNDS.minMem, KDF_BOUNDS.maxMem)) return null;
  if (typeof salt !== 'string' || !new RegExp(`^[0-9a-f]{${SALT_BYTES * 2}}$`).test(salt)) return null;
  return { alg: 'argon2id13', ops, mem, salt };
}

/** Parses and validates the text of a cairn.json; `where` names the file in error messages. */
export function parseLayout(text: string, where = LAYOUT_FILE): Result<HomeLayout, 'BAD_LAYOUT'> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return err('BAD_LAYOUT', `${where} is not valid JSON`);
  }
  if (!isObject(v) || v.format !== LAYOUT_FORMAT) return err('BAD_LAYOUT', `${where} does not describe a Cairn home (format is not "${LAYOUT_FORMAT}")`);
  if (typeof v.layout !== 'number' || !Number.isSafeInteger(v.layout) || v.layout < 1) return err('BAD_LAYOUT', `${where} has no valid layout version`);
  if (v.layout > LAYOUT_VERSION) {
    return err('BAD_LAYOUT', `${where} has layout ${v.layout}, newer than this Cairn supports (${LAYOUT_VERSION}); upgrade Cairn`);
  }
  // A plain file name: the database must live inside the home.
  if (typeof v.db !== 'string' || !/^[A-Za-z0-9._-]+$/.test(v.db) || v.db.startsWith('.')) return err('BAD_LAYOUT', `${where} names no valid database file`);
  const kdf = parseKdf(v.kdf);
  if (!kdf) return err('BAD_LAYOUT', `${where} has an unknown or out-of-range key derivation`);
  if (typeof v.createdAt !== 'string' || Number.isNaN(Date.parse(v.createdAt))) return err('BAD_LAYOUT', `${where} has no valid createdAt`);
  return ok({ format: LAYOUT_FORMAT, layout: LAYOUT_VERSION, db: v.db, kdf, createdAt: v.createdAt });
}

/** Reads dir/cairn.json: NOT_INITIALIZED when it does not exist, BAD_LAYOUT when it is not one we can open. */
export function readLayout(dir: string): Result<HomeLayout, LayoutError> {
  const path = join(dir, LAYOUT_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return err('NOT_INITIALIZED', `${dir} is not a Cairn home yet (no ${LAYOUT_FILE}); run cairn init`);
    return err('BAD_LAYOUT', `cannot read ${path}: ${(e as Error).message}`);
  }
  return parseLayout(text, path);
}

export function newLayout(kdf: KdfParams, now = new Date()): HomeLayout {
  return { format: LAYOUT_FORMAT, layout: LAYOUT_VERSION, db: DB_FILE, kdf, createdAt: now.toISOString() };
}

/** Writes dir/cairn.json (mode 0600) through a temp file and rename, so a crash leaves the old file or the new one. */
export function writeLayout(dir: string, layout: HomeLayout): void {
  const path = join(dir, LAYOUT_FILE);
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(layout, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  fsyncDir(dir);
}

/** Makes a rename or file creation in dir durable. */
export function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export type HomeDirSources = {
  /** The --home flag, when given: it wins. */
  flag?: string | undefined;
  env?: Record<string, string | undefined>;
  homedir?: string;
};

/** The home directory: --home, else $CAIRN_HOME, else $XDG_DATA_HOME/cairn, else ~/.local/share/cairn.
 *  Always absolute; a relative $XDG_DATA_HOME is ignored, as the XDG spec requires. */
export function resolveHomeDir(sources: HomeDirSources = {}): string {
  const env = sources.env ?? process.env;
  if (sources.flag) return resolve(sources.flag);
  if (env.CAIRN_HOME) return resolve(env.CAIRN_HOME);
  const xdg = env.XDG_DATA_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, 'cairn');
  return join(sources.homedir ?? homedir(), '.local', 'share', 'cairn');
}
