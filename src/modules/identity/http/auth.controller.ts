import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AuthenticatedActor } from '../../../common/auth/actor';
import { AllowsEndedSession, CurrentActor, Public } from '../../../common/auth/http-auth.guard';
import { RequestMeta } from '../../../common/cqrs/app-command';
import { ErrorCode } from '../../../common/errors/app-error';
import { ApiErrors, ReqMeta } from '../../../common/http/swagger';
import { RateLimitAs } from '../../../common/rate-limit/http-rate-limit.guard';
import { LoginCommand } from '../commands/login/login.command';
import { LogoutCommand } from '../commands/logout/logout.command';
import { RefreshSessionCommand } from '../commands/refresh-session/refresh-session.command';
import { RegisterCommand } from '../commands/register/register.command';
import { AuthResultView, TokenPairView } from '../domain/user.views';
import { AuthRateLimitGuard } from './auth-rate-limit.guard';

const { VALIDATION_FAILED, UNAUTHENTICATED, CONFLICT, RATE_LIMITED, FORBIDDEN } = ErrorCode;

@ApiTags('auth')
@Controller('v1/auth')
export class AuthController {
  constructor(private readonly commands: CommandBus) {}

  @Post('register')
  @Public()
  @RateLimitAs('own')
  @UseGuards(AuthRateLimitGuard)
  @ApiBody({ type: RegisterCommand })
  @ApiCreatedResponse({ type: AuthResultView })
  @ApiErrors(VALIDATION_FAILED, CONFLICT, RATE_LIMITED)
  register(@Body() body: unknown, @ReqMeta() meta: RequestMeta): Promise<AuthResultView> {
    return this.commands.execute(RegisterCommand.create(body, { meta }));
  }

  @Post('login')
  @Public()
  @HttpCode(200)
  @RateLimitAs('own')
  @UseGuards(AuthRateLimitGuard)
  @ApiBody({ type: LoginCommand })
  @ApiOkResponse({ type: AuthResultView })
  @ApiErrors(VALIDATION_FAILED, UNAUTHENTICATED, FORBIDDEN, RATE_LIMITED)
  login(@Body() body: unknown, @ReqMeta() meta: RequestMeta): Promise<AuthResultView> {
    return this.commands.execute(LoginCommand.create(body, { meta }));
  }

  @Post('refresh')
  @Public()
  @HttpCode(200)
  @RateLimitAs('own')
  @UseGuards(AuthRateLimitGuard)
  @ApiBody({ type: RefreshSessionCommand })
  @ApiOkResponse({ type: TokenPairView, description: 'A new pair; the presented refresh token is now used up' })
  @ApiErrors(VALIDATION_FAILED, UNAUTHENTICATED, RATE_LIMITED)
  refresh(@Body() body: unknown): Promise<TokenPairView> {
    return this.commands.execute(RefreshSessionCommand.create(body));
  }

  @Post('logout')
  @HttpCode(204)
  @AllowsEndedSession()
  @ApiBearerAuth()
  @ApiBody({ type: LogoutCommand })
  @ApiNoContentResponse({
    description:
      'The session named by the refresh token has ended, every server knows it, and its sockets are closed. Idempotent: a retry, even with the ended session\'s own access token, answers 204 again. ' +
      '503 when not every server could be told yet (the session has ended all the same): retry.',
  })
  @ApiErrors(VALIDATION_FAILED, UNAUTHENTICATED)
  async logout(@Body() body: unknown, @CurrentActor() actor: AuthenticatedActor): Promise<void> {
    await this.commands.execute(LogoutCommand.create(body, { actor }));
  }
}
