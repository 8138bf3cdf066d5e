import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp, prepareDatabase } from './bootstrap';
import { armShutdownDeadline, closeOnSignals, exitOnStartFailure, loadConfigOrExit } from './common/lifecycle/process';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  if (config.database.migrationsRun) {
    const applied = await prepareDatabase(config);
    if (applied.length > 0) process.stdout.write(`Applied migrations: ${applied.join(', ')}\n`);
  }
  const app = await createApp(config);
  armShutdownDeadline(config);
  closeOnSignals(app);
  await app.listen(config.http.port, config.http.host);
  const base = `http://localhost:${config.http.port}`;
  const logger = new Logger('Parley');
  logger.log(`API        ${base}/v1`);
  if (config.http.docsEnabled) logger.log(`Swagger UI ${base}/docs`);
  logger.log(`Health     ${base}/health/live  ${base}/health/ready`);
  // io(url) takes the base URL; the path is an option of its own.
  logger.log(`Socket.IO  io('${base}', { path: '/socket.io', auth: { token } })`);
  if (config.auth.accessSecretSource === 'data-dir') {
    logger.warn(`JWT_ACCESS_SECRET is not set: tokens are signed with a key generated in ${config.dataDir} (one process only; set JWT_ACCESS_SECRET to run several)`);
  }
}

main().catch(exitOnStartFailure('Parley'));
