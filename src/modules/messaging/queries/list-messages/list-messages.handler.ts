import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { AppError } from '../../../../common/errors/app-error';
import { ConversationAccess } from '../../domain/conversation-access';
import { MessagingViews } from '../../domain/messaging-views';
import { MessagePage } from '../../domain/views';
import { MessagesRepository } from '../../repositories/messages.repository';
import { ListMessagesQuery } from './list-messages.query';

/** Keyset on seq, ascending in the answer, never before the caller's join point; reactions for the whole page in one query. */
@QueryHandler(ListMessagesQuery)
export class ListMessagesHandler implements IQueryHandler<ListMessagesQuery> {
  constructor(
    private readonly access: ConversationAccess,
    private readonly messages: MessagesRepository,
    private readonly views: MessagingViews,
  ) {}

  async execute(query: ListMessagesQuery): Promise<MessagePage> {
    if (query.beforeSeq !== undefined && query.afterSeq !== undefined) {
      throw AppError.validation('Give beforeSeq or afterSeq, not both', [{ field: 'afterSeq', message: 'cannot be combined with beforeSeq' }]);
    }
    const me = await this.access.member(query.conversationId, query.actor.userId);
    const floor = Number(me.joined_seq);
    if (query.afterSeq !== undefined) {
      const rows = await this.messages.after(query.conversationId, Math.max(query.afterSeq, floor), query.limit + 1);
      return { items: await this.views.toMessages(rows.slice(0, query.limit), query.actor.userId), hasMore: rows.length > query.limit };
    }
    const rows = await this.messages.before(query.conversationId, query.beforeSeq ?? Number.MAX_SAFE_INTEGER, floor, query.limit + 1);
    const page = rows.slice(0, query.limit).reverse();
    return { items: await this.views.toMessages(page, query.actor.userId), hasMore: rows.length > query.limit };
  }
}
