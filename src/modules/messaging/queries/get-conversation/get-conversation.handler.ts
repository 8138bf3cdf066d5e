import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { MessagingViews } from '../../domain/messaging-views';
import { ConversationView } from '../../domain/views';
import { GetConversationQuery } from './get-conversation.query';

@QueryHandler(GetConversationQuery)
export class GetConversationHandler implements IQueryHandler<GetConversationQuery> {
  constructor(private readonly views: MessagingViews) {}

  /** 404 unless the caller is a member (the view is built only for members). */
  execute(query: GetConversationQuery): Promise<ConversationView> {
    return this.views.conversation(query.conversationId, query.actor.userId);
  }
}
