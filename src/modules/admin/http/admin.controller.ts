import { Body, Controller, Delete, HttpCode, Param, Put } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiBody, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { AuthenticatedActor } from '../../../common/auth/actor';
import { CurrentActor } from '../../../common/auth/http-auth.guard';
import { ErrorCode } from '../../../common/errors/app-error';
import { ApiErrors } from '../../../common/http/swagger';
import { withPath } from '../../../common/http/with-path';
import { BanUserCommand, BanView } from '../commands/ban-user/ban-user.command';
import { UnbanUserCommand } from '../commands/unban-user/unban-user.command';

const { VALIDATION_FAILED, UNAUTHENTICATED, FORBIDDEN, NOT_FOUND } = ErrorCode;

class BanViewDto implements BanView {
  @ApiProperty({ format: 'uuid' })
  userId: string;
  @ApiProperty({ format: 'date-time' })
  bannedAt: string;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'Spam in several groups' })
  reason: string | null;
}

/** Moderation for users with role `admin` (checked against the database on every call). */
@ApiTags('admin')
@ApiBearerAuth()
@ApiErrors(UNAUTHENTICATED, FORBIDDEN)
@Controller('v1/admin')
export class AdminController {
  constructor(private readonly commands: CommandBus) {}

  @Put('users/:userId/ban')
  @ApiOperation({
    summary: 'Ban a user',
    description:
      'Login and refresh are refused from now on, every session of the user ends (its access tokens stop working at once) ' +
      'and every socket of the user is closed, on every node. Idempotent: a repeated ban answers the existing one. ' +
      'Administrators cannot be banned (403). Written to the audit log.',
  })
  @ApiParam({ name: 'userId', format: 'uuid' })
  @ApiBody({ type: BanUserCommand, required: false })
  @ApiOkResponse({ type: BanViewDto })
  @ApiErrors(VALIDATION_FAILED, NOT_FOUND)
  ban(@Param('userId') userId: string, @Body() body: unknown, @CurrentActor() actor: AuthenticatedActor): Promise<BanView> {
    return this.commands.execute(BanUserCommand.create(withPath(body, { userId }), { actor }));
  }

  @Delete('users/:userId/ban')
  @HttpCode(204)
  @ApiOperation({ summary: 'Lift a ban', description: 'The user can log in again; sessions ended by the ban stay ended. Idempotent.' })
  @ApiParam({ name: 'userId', format: 'uuid' })
  @ApiNoContentResponse({ description: 'Not banned (any more)' })
  @ApiErrors(VALIDATION_FAILED, NOT_FOUND)
  async unban(@Param('userId') userId: string, @CurrentActor() actor: AuthenticatedActor): Promise<void> {
    await this.commands.execute(UnbanUserCommand.create({ userId }, { actor }));
  }
}
