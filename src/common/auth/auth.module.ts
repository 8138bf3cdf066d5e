import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { HttpRateLimitGuard } from '../rate-limit/http-rate-limit.guard';
import { AccessTokenService } from './access-token.service';
import { HttpAuthGuard } from './http-auth.guard';

/** Global guards run in the order given: who is calling, then their rate limit. */
@Global()
@Module({
  imports: [JwtModule.register({})],
  providers: [AccessTokenService, { provide: APP_GUARD, useClass: HttpAuthGuard }, { provide: APP_GUARD, useClass: HttpRateLimitGuard }],
  exports: [AccessTokenService],
})
export class AuthModule {}
