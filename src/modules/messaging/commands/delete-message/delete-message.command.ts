import { Actor, AppCommand } from '../../../../common/cqrs/app-command';
import { MessageIdField } from '../../domain/fields';

export class DeleteMessageCommand extends AppCommand<{ id: string }, { actor: Actor }> {
  @MessageIdField()
  messageId: string;

  actor: Actor;
}
