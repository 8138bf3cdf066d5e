import { Actor, AppQuery } from '../../../../common/cqrs/app-command';
import { MessageIdField } from '../../domain/fields';
import { MessageEditView } from '../../domain/views';

export class ListMessageEditsQuery extends AppQuery<MessageEditView[]> {
  @MessageIdField()
  messageId: string;

  actor: Actor;
}
