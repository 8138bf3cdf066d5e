import { IsUUID } from 'class-validator';
import { LowercaseId } from '../../../../common/cqrs/transforms';
import { Actor, AppCommand } from '../../../../common/cqrs/app-command';
import { ConversationIdField } from '../../domain/fields';

export class RemoveMemberCommand extends AppCommand<void, { actor: Actor }> {
  @ConversationIdField()
  conversationId: string;

  @LowercaseId()
  @IsUUID('all', { message: 'userId must be a UUID' })
  userId: string;

  actor: Actor;
}
