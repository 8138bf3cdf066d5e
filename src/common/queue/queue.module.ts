import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from '../../config/config';

/** BullMQ on the same Redis, under the deployment's key prefix; queues register per module. */
@Module({})
export class QueueModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: QueueModule,
      imports: [
        BullModule.forRoot({
          connection: { url: config.redis.url, maxRetriesPerRequest: null },
          prefix: `${config.redis.keyPrefix}bull`,
        }),
      ],
    };
  }
}
