import { IsBoolean } from 'class-validator';
import { Actor, AppCommand } from '../../../../common/cqrs/app-command';
import { ConversationIdField } from '../../domain/fields';

/** Ephemeral: nothing is stored; other members' devices are told. */
export class SetTypingCommand extends AppCommand<Record<string, never>, { actor: Actor }> {
  @ConversationIdField()
  conversationId: string;

  @IsBoolean({ message: 'isTyping must be true or false' })
  isTyping: boolean;

  actor: Actor;
}
