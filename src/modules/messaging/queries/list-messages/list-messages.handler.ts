import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { AppError } from '../../../../common/errors/app-error';
import { MESSAGE_COLUMNS, MessagingReadModel } from '../../domain/read-model';
import { MessagePage, MessageRow } from '../../domain/views';
import { ListMessagesQuery } from './list-messages.query';

/** Keyset on seq, ascending in the answer; reactions for the whole page in one query. */
@QueryHandler(ListMessagesQuery)
export class ListMessagesHandler implements IQueryHandler<ListMessagesQuery> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly readModel: MessagingReadModel,
  ) {}

  async execute(query: ListMessagesQuery): Promise<MessagePage> {
    if (query.beforeSeq !== undefined && query.afterSeq !== undefined) {
      throw AppError.validation('Give beforeSeq or afterSeq, not both', [{ field: 'afterSeq', message: 'cannot be combined with beforeSeq' }]);
    }
    const me = await this.readModel.requireMember(query.conversationId, query.actor.userId);
    const floor = Number(me.joined_seq);
    let rows: MessageRow[];
    if (query.afterSeq !== undefined) {
      rows = await this.dataSource.query(
        `SELECT ${MESSAGE_COLUMNS} FROM messages m WHERE m.conversation_id = $1 AND m.seq > $2 ORDER BY m.seq ASC LIMIT $3`,
        [query.conversationId, Math.max(query.afterSeq, floor), query.limit + 1],
      );
      const hasMore = rows.length > query.limit;
      return { items: await this.readModel.toMessages(rows.slice(0, query.limit), query.actor.userId), hasMore };
    }
    const before = query.beforeSeq ?? Number.MAX_SAFE_INTEGER;
    rows = await this.dataSource.query(
      `SELECT ${MESSAGE_COLUMNS} FROM messages m WHERE m.conversation_id = $1 AND m.seq < $2 AND m.seq > $3 ORDER BY m.seq DESC LIMIT $4`,
      [query.conversationId, before, floor, query.limit + 1],
    );
    const hasMore = rows.length > query.limit;
    const page = rows.slice(0, query.limit).reverse();
    return { items: await this.readModel.toMessages(page, query.actor.userId), hasMore };
  }
}
