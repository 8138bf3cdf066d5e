import { Global, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { SESSION_STATE_READER } from '../../common/auth/session-state';
import { IdentityDirectory, Suspensions } from './directory';
import { BlocksRepository } from './repositories/blocks.repository';
import { SessionsRepository } from './repositories/sessions.repository';
import { UsersRepository } from './repositories/users.repository';
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

/**
 * Users, sessions, blocks. Global, so that infrastructure (the access-token check) and other
 * modules reach what it exports without importing its files: the directory, suspensions, and
 * the session-state reader.
 */
@Global()
@Module({
  imports: [CqrsModule],
  controllers: [AuthController, UsersController],
  providers: [
    UsersRepository,
    SessionsRepository,
    BlocksRepository,
    IdentityDirectory,
    Suspensions,
    { provide: SESSION_STATE_READER, useExisting: SessionsRepository },
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
  exports: [IdentityDirectory, Suspensions, SESSION_STATE_READER],
})
export class IdentityModule {}
