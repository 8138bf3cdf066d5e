import { Logger, UseFilters, UseGuards, UseInterceptors } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { MessageBody, OnGatewayConnection, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { AuthenticatedActor } from '../../../common/auth/actor';
import { WsExceptionFilter } from '../../../common/errors/ws-exception.filter';
import { WsRateLimitGuard } from '../../../common/ws/ws-rate-limit.guard';
import { WsUserConcurrencyInterceptor } from '../../../common/rate-limit/user-concurrency';
import { WsDrainGuard, WsInFlightInterceptor } from '../../../common/ws/ws-drain.interceptor';
import { AuthedSocket, WsAckOk, WsActor, wsOk } from '../../../common/ws/ws-auth';
import { safeError } from '../../../common/errors/http-exception.filter';
import { ListSyncStateQuery } from '../queries/list-sync-state/list-sync-state.query';
import { DeleteMessageCommand } from '../commands/delete-message/delete-message.command';
import { EditMessageCommand } from '../commands/edit-message/edit-message.command';
import { MarkDeliveredCommand, MarkReadCommand } from '../commands/mark-read/mark-read.command';
import { AddReactionCommand, RemoveReactionCommand } from '../commands/react/reaction.command';
import { SendMessageCommand } from '../commands/send-message/send-message.command';
import { SetTypingCommand } from '../commands/set-typing/set-typing.command';
import { DeliveredStateView, MessagePage, MessageView, ReadStateView } from '../domain/views';
import { SyncMessagesQuery } from '../queries/sync-messages/sync-messages.query';

/** Socket.IO events of the messaging module: each maps its payload to the same command or query as REST. */
@WebSocketGateway()
@UseFilters(WsExceptionFilter)
@UseGuards(WsDrainGuard, WsRateLimitGuard)
@UseInterceptors(WsInFlightInterceptor, WsUserConcurrencyInterceptor)
export class MessagingGateway implements OnGatewayConnection {
  private readonly logger = new Logger(MessagingGateway.name);

  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  /**
   * On every connection (there is no session recovery: see ParleyIoAdapter), tell the client
   * which conversations to close gaps in with messages.sync, so it never has to poll them all. `auth.since` (the `asOf` of the previous hint) widens the list to
   * whatever changed since, including what the user's other devices already confirmed.
   */
  async handleConnection(socket: AuthedSocket): Promise<void> {
    const since = socket.data.since;
    try {
      const hint = await this.queries.execute(ListSyncStateQuery.create(since ? { since: since.toISOString() } : {}, { actor: socket.data.actor }));
      socket.emit('sync.required', hint);
    } catch (err) {
      // Without its hint the device would not know what it missed: close the transport, so the
      // client reconnects by itself (and gets the hint once the database answers).
      this.logger.warn({ err: safeError(err), userId: socket.data.actor.userId }, 'could not compute sync.required; closing the connection');
      socket.conn.close();
    }
  }

  @SubscribeMessage('message.send')
  async send(@MessageBody() payload: unknown, @WsActor() actor: AuthenticatedActor): Promise<WsAckOk<MessageView>> {
    return wsOk((await this.commands.execute(SendMessageCommand.create(payload, { actor }))).message);
  }

  @SubscribeMessage('message.edit')
  async edit(@MessageBody() payload: unknown, @WsActor() actor: AuthenticatedActor): Promise<WsAckOk<MessageView>> {
    return wsOk(await this.commands.execute(EditMessageCommand.create(payload, { actor })));
  }

  @SubscribeMessage('message.delete')
  async delete(@MessageBody() payload: unknown, @WsActor() actor: AuthenticatedActor): Promise<WsAckOk<{ id: string }>> {
    return wsOk(await this.commands.execute(DeleteMessageCommand.create(payload, { actor })));
  }

  @SubscribeMessage('reaction.add')
  async react(@MessageBody() payload: unknown, @WsActor() actor: AuthenticatedActor): Promise<WsAckOk<Record<string, never>>> {
    await this.commands.execute(AddReactionCommand.create(payload, { actor }));
    return wsOk({});
  }

  @SubscribeMessage('reaction.remove')
  async unreact(@MessageBody() payload: unknown, @WsActor() actor: AuthenticatedActor): Promise<WsAckOk<Record<string, never>>> {
    await this.commands.execute(RemoveReactionCommand.create(payload, { actor }));
    return wsOk({});
  }

  @SubscribeMessage('conversation.read')
  async read(@MessageBody() payload: unknown, @WsActor() actor: AuthenticatedActor): Promise<WsAckOk<ReadStateView>> {
    return wsOk(await this.commands.execute(MarkReadCommand.create(payload, { actor })));
  }

  @SubscribeMessage('conversation.delivered')
  async delivered(@MessageBody() payload: unknown, @WsActor() actor: AuthenticatedActor): Promise<WsAckOk<DeliveredStateView>> {
    return wsOk(await this.commands.execute(MarkDeliveredCommand.create(payload, { actor })));
  }

  @SubscribeMessage('messages.sync')
  async sync(@MessageBody() payload: unknown, @WsActor() actor: AuthenticatedActor): Promise<WsAckOk<MessagePage>> {
    return wsOk(await this.queries.execute(SyncMessagesQuery.create(payload, { actor })));
  }

  @SubscribeMessage('typing')
  async typing(@MessageBody() payload: unknown, @WsActor() actor: AuthenticatedActor): Promise<WsAckOk<Record<string, never>>> {
    return wsOk(await this.commands.execute(SetTypingCommand.create(payload, { actor })));
  }
}
