import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './free-port';
import { onHostExit, startReaper } from './reaper';

/**
 * A throwaway redis-server of a test's own, so outage tests can kill or freeze it without
 * touching the shared Redis every other test uses. Started with nothing persisted: a restart is
 * an empty server, as after losing a cache node.
 */
export interface OwnRedis {
  port: number;
  url: string;
  /** SIGSTOP: connections stay open and new ones are accepted (by the kernel) but nothing is answered: a hung server. */
  pause(): Promise<void>;
  /** SIGCONT: the server answers everything it was sent while paused. */
  resume(): Promise<void>;
  /** SIGKILL: open connections drop and new ones are refused. */
  stop(): Promise<void>;
  /** A new, empty server on the same port; resolves once it answers PING. */
  start(): Promise<void>;
  /** Kills the server for good and deletes its directory. */
  close(): Promise<void>;
}

const READY_TIMEOUT_MS = 10000;
const BIND_ATTEMPTS = 3;

/** Measured here: startOwnRedis ~45-100 ms, start() after stop() ~30-55 ms. */
export async function startOwnRedis(): Promise<OwnRedis> {
  // Its working directory: a SAVE or BGSAVE sent by a test writes here, not into the repository.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-redis-'));
  const pidFile = path.join(dir, 'redis.pid');
  const reaper = startReaper(`read -r pid < "$1/redis.pid" && kill -9 "$pid"; rm -rf "$1"`, [dir]);
  let child: ChildProcess | undefined;
  let paused = false;
  let closed = false;
  const untrack = onHostExit(() => {
    child?.kill('SIGKILL');
    reaper.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const dispose = () => {
    untrack();
    reaper.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  };

  const launch = async (port: number) => {
    const server = spawnRedis(port, dir);
    child = server.child;
    // The reaper kills whatever pid this file names if the test process dies without closing us.
    if (server.child.pid !== undefined) fs.writeFileSync(pidFile, `${server.child.pid}\n`);
    try {
      await server.ready;
    } catch (err) {
      child = undefined;
      server.child.kill('SIGKILL');
      await exited(server.child);
      fs.rmSync(pidFile, { force: true });
      throw err;
    }
  };

  let port = 0;
  try {
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      try {
        await launch(port);
        break;
      } catch (err) {
        // Another process may have taken the free port before redis-server bound it.
        if (attempt >= BIND_ATTEMPTS || !(err instanceof Error) || !/address already in use/i.test(err.message)) throw err;
      }
    }
  } catch (err) {
    dispose();
    throw err;
  }

  const stop = async () => {
    const running = child;
    if (!running) return;
    child = undefined;
    paused = false;
    running.kill('SIGKILL');
    await exited(running);
    // The pid may be reused by an unrelated process: the reaper must not find it.
    fs.rmSync(pidFile, { force: true });
  };

  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    pause: async () => {
      if (!child?.pid) throw new Error('own Redis is not running: nothing to pause');
      if (paused) return;
      process.kill(child.pid, 'SIGSTOP');
      paused = true;
      await untilState(child.pid, (s) => s === 'T');
    },
    resume: async () => {
      if (!child?.pid || !paused) return;
      process.kill(child.pid, 'SIGCONT');
      paused = false;
      await untilState(child.pid, (s) => s !== 'T');
    },
    stop,
    start: async () => {
      if (closed) throw new Error('own Redis is closed');
      if (child) return;
      await launch(port);
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await stop();
      dispose();
    },
  };
}

function spawnRedis(port: number, dir: string): { child: ChildProcess; ready: Promise<void> } {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--dir', dir, '--loglevel', 'warning'];
  const child = spawn('redis-server', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  // Kept (bounded) for error messages, and read so that a full pipe never blocks the server's logging.
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let gone: string | undefined;
  const onError = (err: Error) => (gone = `could not be run (${err.message}): is redis-server on PATH?`);
  const onExit = (code: number | null, signal: string | null) => (gone = `exited during startup (${code ?? signal})`);
  child.once('error', onError);
  child.once('exit', onExit);
  const ready = (async () => {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      if (gone) break;
      // Our own process must answer: not some other server that took the port first.
      if (child.pid !== undefined && (await answersAs(port, child.pid))) {
        child.off('error', onError);
        child.off('exit', onExit);
        return;
      }
      if (Date.now() > deadline) {
        gone = `did not answer PING within ${READY_TIMEOUT_MS} ms`;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`redis-server on 127.0.0.1:${port} ${gone}${output.trim() ? `:\n${output.trim()}` : ''}`);
  })();
  return { child, ready };
}

/** A raw PING plus INFO exchange: true once the server answers PONG and reports `pid` as its process id. */
function answersAs(port: number, pid: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let reply = '';
    let settled = false;
    const done = (ok: boolean) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('close', () => done(false));
    socket.once('connect', () => socket.write('PING\r\nINFO server\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (!reply.startsWith('+PONG\r\n')) {
        if (reply.length >= 7) done(false);
        return;
      }
      const m = /\r\nprocess_id:(\d+)\r\n/.exec(reply);
      if (m) done(Number(m[1]) === pid);
    });
  });
}

/** Waits (up to 2 s) until the kernel reports the process stopped or running again; no-op without /proc. */
async function untilState(pid: number, wanted: (state: string) => boolean): Promise<void> {
  const deadline = Date.now() + 2000;
  for (;;) {
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      return;
    }
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (wanted(state)) return;
    if (Date.now() > deadline) throw new Error(`redis-server ${pid} is still in state ${state}`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    // No pid: it never ran (spawn failed).
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
  });
