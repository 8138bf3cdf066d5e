import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { MessagePage } from '../../domain/views';
import { ListMessagesQuery } from '../list-messages/list-messages.query';
import { SyncMessagesQuery } from './sync-messages.query';
import { ListMessagesHandler } from '../list-messages/list-messages.handler';

@QueryHandler(SyncMessagesQuery)
export class SyncMessagesHandler implements IQueryHandler<SyncMessagesQuery> {
  constructor(private readonly list: ListMessagesHandler) {}

  execute(query: SyncMessagesQuery): Promise<MessagePage> {
    return this.list.execute(Object.assign(new ListMessagesQuery(), query));
  }
}
