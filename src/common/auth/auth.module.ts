import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { AccessTokenService } from './access-token.service';
import { HttpAuthGuard } from './http-auth.guard';

@Global()
@Module({
  imports: [JwtModule.register({})],
  providers: [AccessTokenService, { provide: APP_GUARD, useClass: HttpAuthGuard }],
  exports: [AccessTokenService],
})
export class AuthModule {}
