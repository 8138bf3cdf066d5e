import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Put, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiBody, ApiNoContentResponse, ApiOkResponse, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { AuthenticatedActor } from '../../../common/auth/actor';
import { CurrentActor } from '../../../common/auth/http-auth.guard';
import { ErrorCode } from '../../../common/errors/app-error';
import { ApiErrors } from '../../../common/http/swagger';
import { withPath } from '../../../common/http/with-path';
import { DeleteMessageCommand } from '../commands/delete-message/delete-message.command';
import { EditMessageCommand } from '../commands/edit-message/edit-message.command';
import { AddReactionCommand, RemoveReactionCommand } from '../commands/react/reaction.command';
import { MessageEditView, MessageView } from '../domain/views';
import { GetMessageQuery } from '../queries/get-message/get-message.query';
import { ListMessageEditsQuery } from '../queries/list-message-edits/list-message-edits.query';
import { EditMessageBody } from './request-bodies';

const { VALIDATION_FAILED, UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, CONFLICT } = ErrorCode;

@ApiTags('messages')
@ApiBearerAuth()
@ApiErrors(UNAUTHENTICATED, VALIDATION_FAILED, NOT_FOUND)
@Controller('v1/messages')
export class MessagesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Get(':id')
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: MessageView, description: 'A deleted message answers its tombstone (content null)' })
  get(@Param('id') messageId: string, @CurrentActor() actor: AuthenticatedActor): Promise<MessageView> {
    return this.queries.execute(GetMessageQuery.create({ messageId }, { actor }));
  }

  @Get(':id/edits')
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 100 } })
  @ApiQuery({ name: 'afterVersion', required: false, schema: { type: 'integer', minimum: 0 }, description: 'Only versions after this one' })
  @ApiOkResponse({
    type: [MessageEditView],
    description:
      'Previous versions, oldest first; the current text is not included. At most `limit` (default 100, the default edit cap); ' +
      'when there are more, a `Link: <…?afterVersion=N&limit=L>; rel="next"` header names the next page.',
    headers: { Link: { description: 'rel="next": the next page, when there is one', schema: { type: 'string' } } },
  })
  async edits(
    @Param('id') messageId: string,
    @Query() query: unknown,
    @CurrentActor() actor: AuthenticatedActor,
    @Res({ passthrough: true }) res: Response,
  ): Promise<MessageEditView[]> {
    const q = ListMessageEditsQuery.create(withPath(query, { messageId }), { actor });
    const page = await this.queries.execute(q);
    if (page.nextAfterVersion !== null) res.setHeader('Link', `</v1/messages/${q.messageId}/edits?afterVersion=${page.nextAfterVersion}&limit=${q.limit}>; rel="next"`);
    return page.edits;
  }

  @Patch(':id')
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiBody({ type: EditMessageBody })
  @ApiOkResponse({ type: MessageView })
  @ApiErrors(FORBIDDEN, CONFLICT)
  edit(@Param('id') messageId: string, @Body() body: unknown, @CurrentActor() actor: AuthenticatedActor): Promise<MessageView> {
    return this.commands.execute(EditMessageCommand.create(withPath(body, { messageId }), { actor }));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiNoContentResponse({ description: 'Deleted (tombstone kept)' })
  @ApiErrors(FORBIDDEN)
  async delete(@Param('id') messageId: string, @CurrentActor() actor: AuthenticatedActor): Promise<void> {
    await this.commands.execute(DeleteMessageCommand.create({ messageId }, { actor }));
  }

  @Put(':id/reactions/:emoji')
  @HttpCode(204)
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiParam({ name: 'emoji', description: 'URL-encoded emoji', example: '%F0%9F%91%8D' })
  @ApiNoContentResponse({ description: 'Added (idempotent)' })
  @ApiErrors(CONFLICT)
  async react(@Param('id') messageId: string, @Param('emoji') emoji: string, @CurrentActor() actor: AuthenticatedActor): Promise<void> {
    await this.commands.execute(AddReactionCommand.create({ messageId, emoji }, { actor }));
  }

  @Delete(':id/reactions/:emoji')
  @HttpCode(204)
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiParam({ name: 'emoji', description: 'URL-encoded emoji' })
  @ApiNoContentResponse({ description: 'Removed (idempotent)' })
  async unreact(@Param('id') messageId: string, @Param('emoji') emoji: string, @CurrentActor() actor: AuthenticatedActor): Promise<void> {
    await this.commands.execute(RemoveReactionCommand.create({ messageId, emoji }, { actor }));
  }
}
