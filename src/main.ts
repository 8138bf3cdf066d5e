import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp, prepareDatabase } from './bootstrap';
import { ConfigValidationError, loadConfig } from './config/config';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigValidationError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  if (config.database.migrationsRun) {
    const applied = await prepareDatabase(config);
    if (applied.length > 0) process.stdout.write(`Applied migrations: ${applied.join(', ')}\n`);
  }
  const app = await createApp(config);
  // Nest closes HTTP, Socket.IO, the pool and Redis on SIGTERM; never let that hang forever.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      setTimeout(() => {
        process.stderr.write(`Shutdown took longer than ${config.shutdownTimeoutMs} ms; exiting\n`);
        process.exit(1);
      }, config.shutdownTimeoutMs).unref();
    });
  }
  await app.listen(config.http.port, config.http.host);
  const base = `http://localhost:${config.http.port}`;
  const logger = new Logger('Parley');
  logger.log(`API        ${base}/v1`);
  logger.log(`Swagger UI ${base}/docs`);
  logger.log(`Health     ${base}/health/live  ${base}/health/ready`);
  logger.log(`Socket.IO  ${base}/socket.io`);
}

main().catch((err: unknown) => {
  process.stderr.write(`Parley failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
