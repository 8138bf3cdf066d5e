import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AuthenticatedActor } from '../../../common/auth/actor';
import { CurrentActor } from '../../../common/auth/http-auth.guard';
import { ErrorCode } from '../../../common/errors/app-error';
import { ApiErrors } from '../../../common/http/swagger';
import { RateLimitAs } from '../../../common/rate-limit/http-rate-limit.guard';
import { withPath } from '../../../common/http/with-path';
import { AddMembersCommand } from '../commands/add-members/add-members.command';
import { ChangeMemberRoleCommand } from '../commands/change-member-role/change-member-role.command';
import { CreateDirectConversationCommand } from '../commands/create-direct/create-direct.command';
import { CreateGroupCommand } from '../commands/create-group/create-group.command';
import { MarkDeliveredCommand, MarkReadCommand } from '../commands/mark-read/mark-read.command';
import { MuteConversationCommand } from '../commands/mute-conversation/mute-conversation.command';
import { RemoveMemberCommand } from '../commands/remove-member/remove-member.command';
import { SendMessageCommand } from '../commands/send-message/send-message.command';
import { UpdateConversationCommand } from '../commands/update-conversation/update-conversation.command';
import {
  ConversationPage,
  ConversationView,
  DeliveredStateView,
  MessagePage,
  MessageView,
  ReadStateView,
  ReceiptView,
  SyncStateView,
} from '../domain/views';
import { ListSyncStateQuery } from '../queries/list-sync-state/list-sync-state.query';
import { GetConversationQuery } from '../queries/get-conversation/get-conversation.query';
import { ListConversationsQuery } from '../queries/list-conversations/list-conversations.query';
import { ListReceiptsQuery } from '../queries/list-receipts/list-receipts.query';
import { ListMessagesQuery } from '../queries/list-messages/list-messages.query';
import { AddMembersBody, ChangeRoleBody, CreateDirectBody, MuteBody, SendMessageBody, SeqBody, UpdateConversationBody } from './request-bodies';

const { VALIDATION_FAILED, UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, CONFLICT } = ErrorCode;

@ApiTags('conversations')
@ApiBearerAuth()
@ApiErrors(UNAUTHENTICATED, VALIDATION_FAILED)
@Controller('v1/conversations')
export class ConversationsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post('direct')
  @ApiBody({ type: CreateDirectBody })
  @ApiCreatedResponse({ type: ConversationView, description: 'Created' })
  @ApiOkResponse({ type: ConversationView, description: 'Already existed (same id from either side)' })
  @ApiErrors(FORBIDDEN, NOT_FOUND)
  async createDirect(@Body() body: unknown, @CurrentActor() actor: AuthenticatedActor, @Res({ passthrough: true }) res: Response): Promise<ConversationView> {
    const { conversation, created } = await this.commands.execute(CreateDirectConversationCommand.create(body, { actor }));
    res.status(created ? 201 : 200);
    return conversation;
  }

  @Post()
  @ApiBody({ type: CreateGroupCommand })
  @ApiCreatedResponse({ type: ConversationView })
  @ApiErrors(FORBIDDEN, NOT_FOUND)
  createGroup(@Body() body: unknown, @CurrentActor() actor: AuthenticatedActor): Promise<ConversationView> {
    return this.commands.execute(CreateGroupCommand.create(body, { actor }));
  }

  @Get()
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 50 } })
  @ApiQuery({ name: 'cursor', required: false, type: String, description: 'nextCursor of the previous page' })
  @ApiOkResponse({ type: ConversationPage, description: 'Newest activity first' })
  list(@Query() query: unknown, @CurrentActor() actor: AuthenticatedActor): Promise<ConversationPage> {
    return this.queries.execute(ListConversationsQuery.create(query, { actor }));
  }

  @Get('sync-state')
  @ApiQuery({ name: 'since', required: false, description: 'ISO-8601 time; also list conversations with activity after it' })
  @ApiOkResponse({
    type: [SyncStateView],
    description:
      'Conversations a reconnecting client must sync: messages beyond the user\'s delivery pointer, or activity after `since`. ' +
      'The delivery pointer is per user, not per device: store the `X-Sync-As-Of` header (server time, with a margin) and send it as `since` next time.',
    headers: { 'X-Sync-As-Of': { description: 'ISO-8601 server time to send as `since` on the next sync-state call', schema: { type: 'string', format: 'date-time' } } },
  })
  async syncState(@Query() query: unknown, @CurrentActor() actor: AuthenticatedActor, @Res({ passthrough: true }) res: Response): Promise<SyncStateView[]> {
    const hint = await this.queries.execute(ListSyncStateQuery.create(query, { actor }));
    res.setHeader('X-Sync-As-Of', hint.asOf);
    return hint.conversations;
  }

  @Get(':id')
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: ConversationView })
  @ApiErrors(NOT_FOUND)
  get(@Param('id') conversationId: string, @CurrentActor() actor: AuthenticatedActor): Promise<ConversationView> {
    return this.queries.execute(GetConversationQuery.create({ conversationId }, { actor }));
  }

  @Patch(':id')
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiBody({ type: UpdateConversationBody })
  @ApiOkResponse({ type: ConversationView })
  @ApiErrors(FORBIDDEN, NOT_FOUND)
  update(@Param('id') conversationId: string, @Body() body: unknown, @CurrentActor() actor: AuthenticatedActor): Promise<ConversationView> {
    return this.commands.execute(UpdateConversationCommand.create(withPath(body, { conversationId }), { actor }));
  }

  @Post(':id/members')
  @HttpCode(200)
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiBody({ type: AddMembersBody })
  @ApiOkResponse({ type: ConversationView })
  @ApiErrors(FORBIDDEN, NOT_FOUND)
  addMembers(@Param('id') conversationId: string, @Body() body: unknown, @CurrentActor() actor: AuthenticatedActor): Promise<ConversationView> {
    return this.commands.execute(AddMembersCommand.create(withPath(body, { conversationId }), { actor }));
  }

  @Delete(':id/members/:userId')
  @HttpCode(204)
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiParam({ name: 'userId', format: 'uuid' })
  @ApiNoContentResponse({ description: 'Removed (or left, when userId is the caller)' })
  @ApiErrors(FORBIDDEN, NOT_FOUND)
  async removeMember(@Param('id') conversationId: string, @Param('userId') userId: string, @CurrentActor() actor: AuthenticatedActor): Promise<void> {
    await this.commands.execute(RemoveMemberCommand.create({ conversationId, userId }, { actor }));
  }

  @Patch(':id/members/:userId')
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiParam({ name: 'userId', format: 'uuid' })
  @ApiBody({ type: ChangeRoleBody })
  @ApiOkResponse({ type: ConversationView })
  @ApiErrors(FORBIDDEN, NOT_FOUND, CONFLICT)
  changeRole(
    @Param('id') conversationId: string,
    @Param('userId') userId: string,
    @Body() body: unknown,
    @CurrentActor() actor: AuthenticatedActor,
  ): Promise<ConversationView> {
    return this.commands.execute(ChangeMemberRoleCommand.create(withPath(body, { conversationId, userId }), { actor }));
  }

  @Put(':id/mute')
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiBody({ type: MuteBody })
  @ApiOkResponse({ type: ConversationView })
  @ApiErrors(NOT_FOUND)
  mute(@Param('id') conversationId: string, @Body() body: unknown, @CurrentActor() actor: AuthenticatedActor): Promise<ConversationView> {
    return this.commands.execute(MuteConversationCommand.create(withPath(body, { conversationId }), { actor }));
  }

  @Post(':id/read')
  @HttpCode(200)
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiBody({ type: SeqBody })
  @ApiOkResponse({ type: ReadStateView, description: 'Forward-only; a lower seq is a no-op answered with the current pointer' })
  @ApiErrors(NOT_FOUND)
  read(@Param('id') conversationId: string, @Body() body: unknown, @CurrentActor() actor: AuthenticatedActor): Promise<ReadStateView> {
    return this.commands.execute(MarkReadCommand.create(withPath(body, { conversationId }), { actor }));
  }

  @Post(':id/delivered')
  @HttpCode(200)
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiBody({ type: SeqBody })
  @ApiOkResponse({ type: DeliveredStateView })
  @ApiErrors(NOT_FOUND)
  delivered(@Param('id') conversationId: string, @Body() body: unknown, @CurrentActor() actor: AuthenticatedActor): Promise<DeliveredStateView> {
    return this.commands.execute(MarkDeliveredCommand.create(withPath(body, { conversationId }), { actor }));
  }

  @Get(':id/receipts')
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: [ReceiptView] })
  @ApiErrors(NOT_FOUND)
  receipts(@Param('id') conversationId: string, @CurrentActor() actor: AuthenticatedActor): Promise<ReceiptView[]> {
    return this.queries.execute(ListReceiptsQuery.create({ conversationId }, { actor }));
  }

  @Post(':id/messages')
  @RateLimitAs('send')
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiBody({ type: SendMessageBody })
  @ApiCreatedResponse({ type: MessageView, description: 'Stored and delivered' })
  @ApiOkResponse({ type: MessageView, description: 'A retry of the same clientMessageId: the original message, nothing new' })
  @ApiErrors(FORBIDDEN, NOT_FOUND)
  async send(
    @Param('id') conversationId: string,
    @Body() body: unknown,
    @CurrentActor() actor: AuthenticatedActor,
    @Res({ passthrough: true }) res: Response,
  ): Promise<MessageView> {
    const { message, created } = await this.commands.execute(SendMessageCommand.create(withPath(body, { conversationId }), { actor }));
    res.status(created ? 201 : 200);
    return message;
  }

  @Get(':id/messages')
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiQuery({ name: 'beforeSeq', required: false, type: Number })
  @ApiQuery({ name: 'afterSeq', required: false, type: Number })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 50 } })
  @ApiOkResponse({ type: MessagePage, description: 'Ascending by seq' })
  @ApiErrors(NOT_FOUND)
  messages(@Param('id') conversationId: string, @Query() query: unknown, @CurrentActor() actor: AuthenticatedActor): Promise<MessagePage> {
    return this.queries.execute(ListMessagesQuery.create(withPath(query, { conversationId }), { actor }));
  }
}
