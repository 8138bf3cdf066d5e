import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import type net from 'node:net';
import os from 'node:os';
import vm from 'node:vm';

/** Clean-up of the throwaway servers of outage tests, however the test process ends. */

/**
 * A detached shell that runs `script` (with `args` as $1...) once this process is gone, however it
 * died, SIGKILL included: its stdin is a pipe whose other end only we hold, so `read` returns at
 * our death (a postmaster is a daemon that pg_ctl detaches: nothing else would stop it). Killed
 * unused by close() or by the exit handler.
 */
export function startReaper(script: string, args: string[]): ChildProcess {
  const reaper = spawn('/bin/sh', ['-c', `read -r _; ${script}`, 'sh', ...args], { detached: true, stdio: ['pipe', 'ignore', 'ignore'], cwd: os.tmpdir() });
  reaper.stdin?.on('error', () => undefined);
  // Neither the reaper nor its pipe keeps the test process alive.
  reaper.unref();
  (reaper.stdin as net.Socket | null)?.unref();
  return reaper;
}

// Jest hands each test file a copy of `process` whose 'exit' event never fires: listen on the real one.
const hostProcess = vm.runInThisContext('process') as NodeJS.Process;
const onExitKills = new Set<() => void>();
const killAll = () => {
  for (const kill of onExitKills) kill();
};

/** Runs `kill` (synchronously) if the process exits while it is registered; returns the unregistration. */
export function onHostExit(kill: () => void): () => void {
  if (onExitKills.size === 0) hostProcess.on('exit', killAll);
  onExitKills.add(kill);
  return () => {
    onExitKills.delete(kill);
    if (onExitKills.size === 0) hostProcess.off('exit', killAll);
  };
}
