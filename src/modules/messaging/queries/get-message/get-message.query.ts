import { Actor, AppQuery } from '../../../../common/cqrs/app-command';
import { MessageIdField } from '../../domain/fields';
import { MessageView } from '../../domain/views';

export class GetMessageQuery extends AppQuery<MessageView, { actor: Actor }> {
  @MessageIdField()
  messageId: string;

  actor: Actor;
}
