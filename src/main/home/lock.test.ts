import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireHomeLock, pidAlive } from './lock.js';

/** The pid of a process that has already exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '']);
  expect(pidAlive(r.pid)).toBe(false);
  return r.pid;
}

describe('home lock', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cairn-lock-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const lockPath = () => join(dir, 'cairn.lock');

  it('is held by one owner at a time and names it', () => {
    const a = acquireHomeLock(dir);
    if (!a.ok) throw new Error(a.message);
    expect(readFileSync(lockPath(), 'utf8')).toBe(`${process.pid}\n`);
    expect(statSync(lockPath()).mode & 0o777).toBe(0o600);
    const b = acquireHomeLock(dir);
    expect(b).toMatchObject({ ok: false, code: 'HOME_BUSY' });
    expect(!b.ok && b.message).toBe(`the home ${dir} is in use by process ${process.pid}`);
    a.value.release();
    a.value.release();
    expect(existsSync(lockPath())).toBe(false);
    const c = acquireHomeLock(dir);
    expect(c.ok).toBe(true);
    if (c.ok) c.value.release();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses while another live process holds it and takes it over once that process is gone', async () => {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      writeFileSync(lockPath(), `${child.pid}\n`);
      const busy = acquireHomeLock(dir);
      expect(busy).toMatchObject({ ok: false, code: 'HOME_BUSY' });
      expect(!busy.ok && busy.message).toContain(`process ${child.pid}`);
    } finally {
      child.kill('SIGKILL');
    }
    await exited;
    const taken = acquireHomeLock(dir);
    if (!taken.ok) throw new Error(taken.message);
    expect(readFileSync(lockPath(), 'utf8')).toBe(`${process.pid}\n`);
    taken.value.release();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('treats a dead pid or garbage as stale', () => {
    for (const content of [`${deadPid()}\n`, '', 'not a pid']) {
      writeFileSync(lockPath(), content);
      const r = acquireHomeLock(dir);
      if (!r.ok) throw new Error(`${JSON.stringify(content)}: ${r.message}`);
      r.value.release();
    }
    expect(readdirSync(dir)).toEqual([]);
  });

  it('does not remove a lock another process took over', () => {
    const a = acquireHomeLock(dir);
    if (!a.ok) throw new Error(a.message);
    const other = deadPid();
    writeFileSync(lockPath(), `${other}\n`);
    a.value.release();
    expect(readFileSync(lockPath(), 'utf8')).toBe(`${other}\n`);
  });
});
