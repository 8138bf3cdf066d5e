import { Actor, AppCommand } from '../../../../common/cqrs/app-command';
import { EmojiField, MessageIdField } from '../../domain/fields';

export class AddReactionCommand extends AppCommand<void, { actor: Actor }> {
  @MessageIdField()
  messageId: string;

  @EmojiField()
  emoji: string;

  actor: Actor;
}

export class RemoveReactionCommand extends AppCommand<void, { actor: Actor }> {
  @MessageIdField()
  messageId: string;

  @EmojiField()
  emoji: string;

  actor: Actor;
}
