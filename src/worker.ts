import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { armShutdownDeadline, exitOnStartFailure, loadConfigOrExit } from './common/lifecycle/process';
import { createWorker } from './worker.module';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  await createWorker(config);
  armShutdownDeadline(config);
  new Logger('Parley').log('Worker started: presence sweep, session purge');
}

main().catch(exitOnStartFailure('Parley worker'));
