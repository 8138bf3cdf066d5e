import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { RateLimitService } from './rate-limit.service';
import { HttpUserConcurrencyInterceptor, UserConcurrency, WsUserConcurrencyInterceptor } from './user-concurrency';

@Global()
@Module({
  providers: [RateLimitService, UserConcurrency, WsUserConcurrencyInterceptor, { provide: APP_INTERCEPTOR, useClass: HttpUserConcurrencyInterceptor }],
  exports: [RateLimitService, UserConcurrency, WsUserConcurrencyInterceptor],
})
export class RateLimitModule {}
