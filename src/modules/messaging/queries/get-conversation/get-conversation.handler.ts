import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { MessagingReadModel } from '../../domain/read-model';
import { ConversationView } from '../../domain/views';
import { GetConversationQuery } from './get-conversation.query';

@QueryHandler(GetConversationQuery)
export class GetConversationHandler implements IQueryHandler<GetConversationQuery> {
  constructor(private readonly readModel: MessagingReadModel) {}

  execute(query: GetConversationQuery): Promise<ConversationView> {
    return this.readModel.conversation(query.conversationId, query.actor.userId);
  }
}
