import { execFile, execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port';
import { onHostExit, startReaper } from './reaper';

/**
 * A throwaway PostgreSQL cluster of a test's own (its own data directory, port and socket
 * directory), so outage tests can crash and restart it without touching the shared server every
 * other test uses. Superuser `postgres`, trust authentication, no durability (fsync off).
 */
export interface OwnPostgres {
  port: number;
  /** The `postgres` database, as superuser `postgres`. */
  url: string;
  /** The same server, another database (create it first). */
  databaseUrl(name: string): string;
  /** `pg_ctl stop -m immediate`: every backend is killed at once, as in a crash; the next start runs crash recovery. */
  stop(): Promise<void>;
  /** Starts the same cluster again (same data directory and port); resolves once it accepts connections. */
  start(): Promise<void>;
  /** Stops the server and deletes the cluster. */
  close(): Promise<void>;
}

const execFileAsync = promisify(execFile);
const BIND_ATTEMPTS = 3;
const START_TIMEOUT_S = 30;

/** TEST_PG_BIN_DIR, else the newest Debian-layout install, else whatever is on PATH. */
const BIN_DIR = process.env.TEST_PG_BIN_DIR ?? newestDebianBinDir();
const bin = (name: string) => (BIN_DIR ? path.join(BIN_DIR, name) : name);

/**
 * Measured here (2 CPUs, PostgreSQL 15): initdb ~0.8-1.1 s (most of it initdb's post-bootstrap
 * SQL, which no flag skips) + first start ~0.15-0.3 s, so ~1.0-1.4 s in all; a restart after
 * stop() (with crash recovery) ~0.3 s. pg_ctl -w polls every 100 ms, hence the granularity.
 */
export async function startOwnPostgres(): Promise<OwnPostgres> {
  // mkdtemp creates it 0700; handed to `postgres`, which must own the data directory.
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-pg-'));
  const data = path.join(base, 'data');
  const logFile = path.join(base, 'postgres.log');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) fs.chownSync(base, idOf('-u'), idOf('-g'));
  const [stopFile, stopArgs] = asPostgres(bin('pg_ctl'), ['stop', '-D', data, '-m', 'immediate', '-w', '-s']);
  const reaper = startReaper(`dir=$1; shift; "$@" >/dev/null 2>&1; rm -rf "$dir"`, [base, stopFile, ...stopArgs]);
  const untrack = onHostExit(() => {
    if (fs.existsSync(path.join(data, 'postmaster.pid'))) spawnSync(stopFile, stopArgs, { stdio: 'ignore', timeout: 10000 });
    reaper.kill('SIGKILL');
    fs.rmSync(base, { recursive: true, force: true });
  });
  let running = false;
  let closed = false;

  const run = async (command: string, args: string[], timeoutMs: number) => {
    const [file, argv] = asPostgres(command, args);
    try {
      await execFileAsync(file, argv, { cwd: base, env: serverEnv(), timeout: timeoutMs });
    } catch (err) {
      const e = err as Error & { stderr?: string; stdout?: string };
      const detail = [e.stderr, e.stdout].filter((s) => s?.trim()).join('\n').trim();
      throw new Error(`${path.basename(command)} ${args[0] ?? ''} failed: ${detail || e.message}`, { cause: err });
    }
  };

  const launch = async (port: number) => {
    // fsync and full page writes only protect against an OS crash, which never happens here. Not
    // synchronous_commit=off: stop() would then lose the last ~200 ms of acknowledged commits
    // (WAL not yet written by the WAL writer), which a real server's crash does not.
    // Options go through pg_ctl's shell: quoted.
    const options = ['-p', String(port), '-k', base, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'full_page_writes=off'];
    const logStart = fs.existsSync(logFile) ? fs.statSync(logFile).size : 0;
    try {
      await run(bin('pg_ctl'), ['start', '-D', data, '-l', logFile, '-w', '-t', String(START_TIMEOUT_S), '-s', '-o', options.map(shellQuote).join(' ')], (START_TIMEOUT_S + 5) * 1000);
      running = true;
    } catch (err) {
      // A timed-out start may have left a postmaster behind.
      await run(bin('pg_ctl'), ['stop', '-D', data, '-m', 'immediate', '-w', '-s'], 10000).catch(() => undefined);
      const log = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').slice(logStart).trim().slice(-3000) : '';
      throw new Error(`own PostgreSQL on 127.0.0.1:${port} did not start: ${(err as Error).message}${log ? `\n${log}` : ''}`, { cause: err });
    }
  };

  let port = 0;
  try {
    await run(bin('initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync', '--no-instructions'], 60000);
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      try {
        await launch(port);
        break;
      } catch (err) {
        // Another process may have taken the free port before the postmaster bound it.
        if (attempt >= BIND_ATTEMPTS || !/could not bind|address already in use/i.test((err as Error).message)) throw err;
      }
    }
  } catch (err) {
    untrack();
    reaper.kill('SIGKILL');
    fs.rmSync(base, { recursive: true, force: true });
    throw err;
  }

  const url = (database: string) => `postgres://postgres@127.0.0.1:${port}/${encodeURIComponent(database)}`;
  const stop = async () => {
    if (!running) return;
    // Still `running` if this fails: close() then keeps the data directory, and the exit handler retries.
    await run(bin('pg_ctl'), ['stop', '-D', data, '-m', 'immediate', '-w', '-s'], 30000);
    running = false;
  };
  return {
    port,
    url: url('postgres'),
    databaseUrl: url,
    stop,
    start: async () => {
      if (closed) throw new Error('own PostgreSQL is closed');
      if (running) return;
      await launch(port);
    },
    close: async () => {
      if (closed) return;
      closed = true;
      try {
        await stop();
      } catch (err) {
        closed = false;
        throw err;
      }
      untrack();
      reaper.kill('SIGKILL');
      fs.rmSync(base, { recursive: true, force: true });
    },
  };
}

/** initdb and postgres refuse to run as root: as root, commands run as the `postgres` OS user. */
function asPostgres(command: string, args: string[]): [string, string[]] {
  if (process.getuid?.() !== 0) return [command, args];
  const runuser = findExecutable('runuser');
  if (runuser) return [runuser, ['-u', 'postgres', '--', command, ...args]];
  return ['su', ['postgres', '-s', '/bin/sh', '-c', [command, ...args].map(shellQuote).join(' ')]];
}

/** The test's environment without PG* variables (PGPORT, PGDATA, ...), which the server tools would read. */
function serverEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('PG')));
}

function idOf(flag: '-u' | '-g'): number {
  return Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
}

function findExecutable(name: string): string | undefined {
  // runuser lives in sbin, which a test runner's PATH may lack.
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/sbin', '/sbin', '/usr/bin', '/bin'];
  return dirs
    .filter(Boolean)
    .map((dir) => path.join(dir, name))
    .find((file) => {
      try {
        fs.accessSync(file, fs.constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
}

function newestDebianBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!fs.existsSync(root)) return undefined;
  const [newest] = fs
    .readdirSync(root)
    .filter((version) => fs.existsSync(path.join(root, version, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return newest ? path.join(root, newest, 'bin') : undefined;
}

function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
