import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Put, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiBody, ApiNoContentResponse, ApiOkResponse, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { AuthenticatedActor } from '../../../common/auth/actor';
import { CurrentActor } from '../../../common/auth/http-auth.guard';
import { ErrorCode } from '../../../common/errors/app-error';
import { ApiErrors } from '../../../common/http/swagger';
import { BlockUserCommand } from '../commands/block-user/block-user.command';
import { UnblockUserCommand } from '../commands/unblock-user/unblock-user.command';
import { UpdateProfileCommand } from '../commands/update-profile/update-profile.command';
import { BlockPage, PrivateUserView, PublicUserPage, PublicUserView } from '../domain/user.views';
import { GetMeQuery } from '../queries/get-me/get-me.query';
import { GetUserQuery } from '../queries/get-user/get-user.query';
import { ListBlocksQuery } from '../queries/list-blocks/list-blocks.query';
import { SearchUsersQuery } from '../queries/search-users/search-users.query';

const { VALIDATION_FAILED, UNAUTHENTICATED, NOT_FOUND } = ErrorCode;

@ApiTags('users')
@ApiBearerAuth()
@ApiErrors(UNAUTHENTICATED)
@Controller('v1/users')
export class UsersController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Get('me')
  @ApiOkResponse({ type: PrivateUserView })
  me(@CurrentActor() actor: AuthenticatedActor): Promise<PrivateUserView> {
    return this.queries.execute(GetMeQuery.create({}, { actor }));
  }

  @Patch('me')
  @ApiBody({ type: UpdateProfileCommand })
  @ApiOkResponse({ type: PrivateUserView })
  @ApiErrors(VALIDATION_FAILED)
  updateMe(@Body() body: unknown, @CurrentActor() actor: AuthenticatedActor): Promise<PrivateUserView> {
    return this.commands.execute(UpdateProfileCommand.create(body, { actor }));
  }

  @Get('me/blocks')
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 50 } })
  @ApiQuery({ name: 'cursor', required: false, type: String, description: 'nextCursor of the previous page' })
  @ApiOkResponse({ type: BlockPage, description: 'Users the caller has blocked, newest first' })
  @ApiErrors(VALIDATION_FAILED)
  blocks(@Query() query: unknown, @CurrentActor() actor: AuthenticatedActor): Promise<BlockPage> {
    return this.queries.execute(ListBlocksQuery.create(query, { actor }));
  }

  @Put('me/blocks/:userId')
  @HttpCode(204)
  @ApiParam({ name: 'userId', format: 'uuid' })
  @ApiNoContentResponse({ description: 'Blocked (idempotent)' })
  @ApiErrors(VALIDATION_FAILED, NOT_FOUND)
  async block(@Param('userId') userId: string, @CurrentActor() actor: AuthenticatedActor): Promise<void> {
    await this.commands.execute(BlockUserCommand.create({ userId }, { actor }));
  }

  @Delete('me/blocks/:userId')
  @HttpCode(204)
  @ApiParam({ name: 'userId', format: 'uuid' })
  @ApiNoContentResponse({ description: 'Unblocked (idempotent)' })
  @ApiErrors(VALIDATION_FAILED, NOT_FOUND)
  async unblock(@Param('userId') userId: string, @CurrentActor() actor: AuthenticatedActor): Promise<void> {
    await this.commands.execute(UnblockUserCommand.create({ userId }, { actor }));
  }

  @Get()
  @ApiQuery({ name: 'q', required: true, description: 'Username prefix', example: 'ad' })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 50 } })
  @ApiQuery({ name: 'cursor', required: false, type: String, description: 'nextCursor of the previous page' })
  @ApiOkResponse({ type: PublicUserPage })
  @ApiErrors(VALIDATION_FAILED)
  search(@Query() query: unknown, @CurrentActor() actor: AuthenticatedActor): Promise<PublicUserPage> {
    return this.queries.execute(SearchUsersQuery.create(query, { actor }));
  }

  @Get(':id')
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: PublicUserView })
  @ApiErrors(VALIDATION_FAILED, NOT_FOUND)
  user(@Param('id') id: string, @CurrentActor() actor: AuthenticatedActor): Promise<PublicUserView> {
    return this.queries.execute(GetUserQuery.create({ id }, { actor }));
  }
}
