// One process owns a home: cairn.lock holds the owner's pid. It appears atomically with its content (a temp
// file hard-linked into place), so a reader never sees an empty lock; a lock whose pid is dead is stale and
// is taken over.
import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { err, ok, type Result } from '../../shared/result.js';
import { LOCK_FILE } from './layout.js';

export type HomeLock = {
  readonly path: string;
  readonly pid: number;
  /** Removes the lock if this process still holds it; safe to call twice. */
  release(): void;
};

const errno = (e: unknown) => (e as NodeJS.ErrnoException).code;

/** Whether a process with this pid exists (EPERM: it exists but belongs to another user). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errno(e) === 'EPERM';
  }
}

/** The pid in a lock file, null when it is missing, and NaN when it holds no pid. */
function readPid(path: string): number | null {
  try {
    const text = readFileSync(path, 'utf8').trim();
    return /^[1-9][0-9]*$/.test(text) ? Number(text) : NaN;
  } catch (e) {
    if (errno(e) === 'ENOENT') return null;
    throw e;
  }
}

/** Links a temp file with our pid to path; false when path exists. */
function tryCreate(path: string, pid: number): boolean {
  const tmp = `${path}.${pid}.tmp`;
  writeFileSync(tmp, `${pid}\n`, { mode: 0o600 });
  try {
    linkSync(tmp, path);
    return true;
  } catch (e) {
    if (errno(e) === 'EEXIST') return false;
    throw e;
  } finally {
    unlinkSync(tmp);
  }
}

/** Takes the home's lock for this process: HOME_BUSY, naming the owner's pid, while a live process holds it. */
export function acquireHomeLock(home: string): Result<HomeLock, 'HOME_BUSY'> {
  const pid = process.pid;
  const path = join(home, LOCK_FILE);
  // A few rounds: meeting a stale lock moves it away, and a lock released meanwhile is simply retried.
  for (let attempt = 0; attempt < 3; attempt++) {
    if (tryCreate(path, pid)) return ok(heldLock(path, pid));
    const owner = readPid(path);
    if (owner === null) continue; // released meanwhile
    if (!Number.isNaN(owner) && pidAlive(owner)) return err('HOME_BUSY', `the home ${home} is in use by process ${owner}`);
    // Stale: rename it aside (only one contender's rename finds it), then check that what moved is the stale lock.
    const aside = `${path}.stale.${pid}`;
    try {
      renameSync(path, aside);
    } catch (e) {
      if (errno(e) === 'ENOENT') continue;
      throw e;
    }
    const moved = readPid(aside);
    if (moved !== null && !Number.isNaN(moved) && moved !== owner && pidAlive(moved)) {
      // We moved a lock another process had just created: put it back and yield to it.
      try {
        linkSync(aside, path);
      } finally {
        unlinkSync(aside);
      }
      return err('HOME_BUSY', `the home ${home} is in use by process ${moved}`);
    }
    unlinkSync(aside);
  }
  const owner = readPid(path);
  return err('HOME_BUSY', `the home ${home} is in use${owner ? ` by process ${owner}` : ''}`);
}

function heldLock(path: string, pid: number): HomeLock {
  let released = false;
  return {
    path,
    pid,
    release() {
      if (released) return;
      released = true;
      if (readPid(path) !== pid) return; // taken over after we were presumed dead: not ours to remove
      try {
        unlinkSync(path);
      } catch (e) {
        if (errno(e) !== 'ENOENT') throw e;
      }
    },
  };
}
