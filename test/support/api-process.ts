/**
 * An API node as a process of its own (run with `node -r @swc-node/register`), so a test can
 * kill it with SIGKILL. Configured like startApp() from its environment; prints
 * `{"port":N}` on stdout once it listens.
 */
import 'reflect-metadata';
import { AddressInfo } from 'node:net';
import { createApp } from '../../src/bootstrap';
import { loadConfig } from '../../src/config/config';
import { closeOnSignals } from '../../src/common/lifecycle/process';

async function main(): Promise<void> {
  const app = await createApp(loadConfig());
  await app.listen(0, '127.0.0.1');
  closeOnSignals(app);
  const { port } = app.getHttpServer().address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ port })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`api process failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
