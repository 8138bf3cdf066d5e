import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { BlockUserHandler } from './commands/block-user/block-user.handler';
import { LoginHandler } from './commands/login/login.handler';
import { LogoutHandler } from './commands/logout/logout.handler';
import { RefreshSessionHandler } from './commands/refresh-session/refresh-session.handler';
import { RegisterHandler } from './commands/register/register.handler';
import { UnblockUserHandler } from './commands/unblock-user/unblock-user.handler';
import { UpdateProfileHandler } from './commands/update-profile/update-profile.handler';
import { LoginThrottle } from './domain/login-throttle';
import { PasswordHasher } from './domain/password-hasher';
import { SessionIssuer } from './domain/session-issuer';
import { AuthController } from './http/auth.controller';
import { AuthRateLimitGuard } from './http/auth-rate-limit.guard';
import { UsersController } from './http/users.controller';
import { GetMeHandler } from './queries/get-me/get-me.handler';
import { GetUserHandler } from './queries/get-user/get-user.handler';
import { ListBlocksHandler } from './queries/list-blocks/list-blocks.handler';
import { SearchUsersHandler } from './queries/search-users/search-users.handler';
import { IdentityGateway } from './ws/identity.gateway';

@Module({
  imports: [CqrsModule],
  controllers: [AuthController, UsersController],
  providers: [
    PasswordHasher,
    LoginThrottle,
    SessionIssuer,
    AuthRateLimitGuard,
    IdentityGateway,
    RegisterHandler,
    LoginHandler,
    RefreshSessionHandler,
    LogoutHandler,
    UpdateProfileHandler,
    BlockUserHandler,
    UnblockUserHandler,
    GetMeHandler,
    GetUserHandler,
    SearchUsersHandler,
    ListBlocksHandler,
  ],
})
export class IdentityModule {}
