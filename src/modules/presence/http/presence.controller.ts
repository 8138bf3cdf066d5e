import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { AuthenticatedActor } from '../../../common/auth/actor';
import { CurrentActor } from '../../../common/auth/http-auth.guard';
import { ErrorCode } from '../../../common/errors/app-error';
import { ApiErrors } from '../../../common/http/swagger';
import { GetPresenceQuery } from '../queries/get-presence/get-presence.query';
import { PresenceView } from '../presence.service';

@ApiTags('presence')
@ApiBearerAuth()
@Controller('v1/presence')
export class PresenceController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @ApiQuery({ name: 'userIds', required: true, description: 'Comma-separated user ids, 1–100' })
  @ApiOkResponse({
    description:
      '`[{ userId, status: "online"|"offline", lastSeenAt }]` in the order asked. Only the caller\'s contacts (users who share a direct conversation with them), ' +
      'neither blocking the other, are shown as they are; anyone else (a fellow group member included) answers `offline` with `lastSeenAt: null`, as a user never seen.',
  })
  @ApiErrors(ErrorCode.VALIDATION_FAILED, ErrorCode.UNAUTHENTICATED)
  get(@Query() query: unknown, @CurrentActor() actor: AuthenticatedActor): Promise<PresenceView[]> {
    return this.queries.execute(GetPresenceQuery.create(query, { actor }));
  }
}
