import { DynamicModule, INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Logger } from 'nestjs-pino';
import { DependencyMonitor } from './common/lifecycle/dependency-monitor';
import { LoggingModule } from './common/logging/logging.module';
import { QueueModule } from './common/queue/queue.module';
import { RedisModule } from './common/redis/redis.module';
import { AppConfig } from './config/config';
import { ConfigModule } from './config/config.module';
import { dataSourceOptions } from './database/data-source-options';
import { DatabaseModule } from './database/db';
import { DatabasePoolGuard } from './database/pool-guard';
import { IdentityWorkerModule } from './modules/identity';
import { PresenceWorkerModule } from './modules/presence';
import { RealtimeWorkerModule } from './modules/realtime';

/** The worker process: BullMQ consumers only, no HTTP and no gateways. */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(config),
        TypeOrmModule.forRoot(dataSourceOptions(config)),
        DatabaseModule,
        RedisModule,
        CqrsModule.forRoot(),
        QueueModule.forRoot(config),
        RealtimeWorkerModule,
        IdentityWorkerModule,
        PresenceWorkerModule,
      ],
      providers: [DependencyMonitor, DatabasePoolGuard],
    };
  }
}

/** Builds and starts the worker (consumers run once initialised); shared by worker.ts and the tests. */
export async function createWorker(config: AppConfig): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  await app.init();
  return app;
}
