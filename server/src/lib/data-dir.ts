// One owner of DATA_DIR at a time. A server, and a script that works on the folder while no server
// runs (backup, restore, migrate, seed), holds DATA_DIR/owner.lock; everyone else is refused or,
// for the scripts that can, talks to the owner's running PostgreSQL instead of opening the folder.
//
// The lock is a file created with O_EXCL and naming its owner by pid and process start time, so a
// lock left by a killed process is recognised (its pid is gone, or reused by another process).
import { accessSync, closeSync, constants, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { StartupError } from './startup-error.js';

export type OwnerRole = 'server' | 'backup' | 'restore' | 'migrate' | 'seed' | 'import';

export interface OwnerRecord {
  pid: number;
  /** The process's start time (Linux clock ticks since boot); absent where it cannot be read. */
  started?: string;
  role: OwnerRole;
  since: string;
}

export class DataDirInUse extends StartupError {
  constructor(
    dataDir: string,
    readonly owner: OwnerRecord,
  ) {
    super(
      owner.role === 'server'
        ? `DATA_DIR ${dataDir} is in use by server pid ${owner.pid}`
        : `DATA_DIR ${dataDir} is in use by "${owner.role}" (pid ${owner.pid})`,
    );
  }
}

function lockFile(dataDir: string) {
  return path.join(dataDir, 'owner.lock');
}

function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime); the command name (field 2) may hold spaces, so count after its ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function processState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
  } catch {
    return undefined;
  }
}

function alive(record: OwnerRecord): boolean {
  try {
    process.kill(record.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  // A killed process lingers as a zombie until its parent reaps it: it owns nothing any more.
  if (processState(record.pid) === 'Z') return false;
  if (record.started === undefined) return true;
  const now = startTime(record.pid);
  return now === undefined || now === record.started;
}

function readRecord(file: string): OwnerRecord | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as OwnerRecord;
    return typeof parsed.pid === 'number' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** The live owner of DATA_DIR, if any. */
export function currentOwner(dataDir: string): OwnerRecord | undefined {
  const record = readRecord(lockFile(dataDir));
  return record && alive(record) ? record : undefined;
}

/** Checks that DATA_DIR can hold the database, in plain words when it cannot. */
export function prepareDataDir(dataDir: string) {
  if (existsSync(dataDir) && !statSync(dataDir).isDirectory()) {
    throw new StartupError(`DATA_DIR ${dataDir} is a file, not a folder.`);
  }
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (err) {
    throw new StartupError(`DATA_DIR ${dataDir} cannot be created (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`);
  }
  try {
    accessSync(dataDir, constants.W_OK | constants.X_OK);
  } catch {
    throw new StartupError(`DATA_DIR ${dataDir} is not writable by this user.`);
  }
}

export interface DataDirLock {
  record: OwnerRecord;
  release(): void;
}

/**
 * Takes DATA_DIR for this process, or throws DataDirInUse naming the live owner. A stale lock is
 * removed only under a second exclusive file, after checking again that it is stale, so that of two
 * processes taking over the same stale lock only one wins and neither removes the winner's lock.
 */
export function claimDataDir(dataDir: string, role: OwnerRole): DataDirLock {
  prepareDataDir(dataDir);
  const file = lockFile(dataDir);
  const record: OwnerRecord = { pid: process.pid, started: startTime(process.pid), role, since: new Date().toISOString() };
  const body = JSON.stringify(record) + '\n';
  for (let attempt = 0; attempt < 50; attempt++) {
    let fd: number;
    try {
      fd = openSync(file, 'wx', 0o600);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOSPC') throw new StartupError(`DATA_DIR ${dataDir} is on a full disk.`);
      if (code !== 'EEXIST') throw new StartupError(`DATA_DIR ${dataDir} cannot be locked (${code}).`);
      const existing = readRecord(file);
      if (existing && alive(existing)) throw new DataDirInUse(dataDir, existing);
      if (!existing) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
      takeOverStale(file);
      continue;
    }
    try {
      writeSync(fd, body);
    } catch (err) {
      closeSync(fd);
      rmSync(file, { force: true });
      if ((err as NodeJS.ErrnoException).code === 'ENOSPC') throw new StartupError(`DATA_DIR ${dataDir} is on a full disk.`);
      throw err;
    }
    closeSync(fd);
    let released = false;
    return {
      record,
      release() {
        if (released) return;
        released = true;
        const now = readRecord(file);
        if (now && now.pid === record.pid && now.started === record.started) rmSync(file, { force: true });
      },
    };
  }
  throw new StartupError(`DATA_DIR ${dataDir} could not be locked: another process keeps taking it over.`);
}

function takeOverStale(file: string) {
  const mutex = `${file}.takeover`;
  let fd: number;
  try {
    fd = openSync(mutex, 'wx', 0o600);
  } catch {
    // Someone else is taking over; a mutex left by a process that died mid-takeover expires.
    try {
      if (Date.now() - statSync(mutex).mtimeMs > 10_000) rmSync(mutex, { force: true });
    } catch {
      // Gone already.
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    return;
  }
  try {
    const again = readRecord(file);
    // An unreadable lock may be one that its owner is writing this instant: stale only once old.
    const stale = again ? !alive(again) : existsSync(file) && Date.now() - statSync(file).mtimeMs > 2_000;
    if (stale) rmSync(file, { force: true });
  } finally {
    closeSync(fd);
    rmSync(mutex, { force: true });
  }
}
