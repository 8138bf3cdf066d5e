import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { MessagingReadModel } from '../../domain/read-model';
import { MessageView } from '../../domain/views';
import { GetMessageQuery } from './get-message.query';

@QueryHandler(GetMessageQuery)
export class GetMessageHandler implements IQueryHandler<GetMessageQuery> {
  constructor(private readonly readModel: MessagingReadModel) {}

  execute(query: GetMessageQuery): Promise<MessageView> {
    return this.readModel.message(query.messageId, query.actor.userId);
  }
}
