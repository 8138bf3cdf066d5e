/**
 * Preloaded into a benchmarked server (`node --expose-gc -r dist/bench/memory-probe.js ...`,
 * with an IPC channel): on a 'memory' message it collects garbage and answers with
 * process.memoryUsage(). The server's own code is untouched.
 */
const collect = (globalThis as { gc?: () => void }).gc;

if (process.send && collect) {
  process.on('message', (message: unknown) => {
    if (message !== 'memory') return;
    collect();
    collect();
    process.send?.(process.memoryUsage());
  });
  // The channel must not keep a stopping server alive.
  process.channel?.unref();
}
