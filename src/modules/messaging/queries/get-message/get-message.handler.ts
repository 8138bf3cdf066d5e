import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ConversationAccess } from '../../domain/conversation-access';
import { MessagingViews } from '../../domain/messaging-views';
import { MessageView } from '../../domain/views';
import { GetMessageQuery } from './get-message.query';

@QueryHandler(GetMessageQuery)
export class GetMessageHandler implements IQueryHandler<GetMessageQuery> {
  constructor(
    private readonly access: ConversationAccess,
    private readonly views: MessagingViews,
  ) {}

  async execute(query: GetMessageQuery): Promise<MessageView> {
    return this.views.message(await this.access.visibleMessage(query.messageId, query.actor.userId), query.actor.userId);
  }
}
