import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from './common/auth/auth.module';
import { HttpExceptionFilter } from './common/errors/http-exception.filter';
import { LoggingModule } from './common/logging/logging.module';
import { LifecycleModule } from './common/lifecycle/shutdown';
import { OutboxModule } from './common/outbox/outbox.repository';
import { RateLimitModule } from './common/rate-limit/rate-limit.module';
import { RedisModule } from './common/redis/redis.module';
import { AppConfig } from './config/config';
import { ConfigModule } from './config/config.module';
import { dataSourceOptions } from './database/data-source-options';
import { DatabaseModule } from './database/db';
import { DatabasePoolGuard } from './database/pool-guard';
import { AuditModule } from './modules/audit';
import { AdminModule } from './modules/admin';
import { HealthModule } from './modules/health';
import { IdentityModule } from './modules/identity';
import { MessagingModule } from './modules/messaging';
import { RealtimeModule } from './modules/realtime';
import { SearchModule } from './modules/search';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(config),
        TypeOrmModule.forRoot(dataSourceOptions(config)),
        DatabaseModule,
        RedisModule,
        RateLimitModule,
        OutboxModule,
        CqrsModule.forRoot(),
        AuthModule,
        HealthModule,
        RealtimeModule,
        LifecycleModule,
        IdentityModule,
        MessagingModule,
        AuditModule,
        AdminModule,
        SearchModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: HttpExceptionFilter }, DatabasePoolGuard],
    };
  }
}
