import { CommandHandler, EventBus, ICommandHandler } from '@nestjs/cqrs';
import { v7 as uuidv7 } from 'uuid';
import { AppError } from '../../../../common/errors/app-error';
import { Db } from '../../../../database/db';
import { Audience } from '../../domain/audience';
import { GroupAdmission } from '../../domain/membership';
import { MessagingViews } from '../../domain/messaging-views';
import { ConversationView } from '../../domain/views';
import { ConversationCreatedEvent } from '../../events/messaging.events';
import { ConversationsRepository } from '../../repositories/conversations.repository';
import { MembershipsRepository } from '../../repositories/memberships.repository';
import { CreateGroupCommand } from './create-group.command';

@CommandHandler(CreateGroupCommand)
export class CreateGroupHandler implements ICommandHandler<CreateGroupCommand> {
  constructor(
    private readonly db: Db,
    private readonly admission: GroupAdmission,
    private readonly conversations: ConversationsRepository,
    private readonly memberships: MembershipsRepository,
    private readonly audience: Audience,
    private readonly views: MessagingViews,
    private readonly events: EventBus,
  ) {}

  async execute(cmd: CreateGroupCommand): Promise<ConversationView> {
    const owner = cmd.actor.userId;
    const others = cmd.memberIds.filter((id) => id !== owner);
    if (others.length === 0) {
      throw AppError.validation('A group needs at least one member besides you', [{ field: 'memberIds', message: 'must name at least one other user' }]);
    }
    const id = uuidv7();
    const memberIds = await this.db.transaction(async (tx) => {
      await this.admission.check(owner, others, 1, 'memberIds', tx);
      await this.conversations.insertGroup(id, cmd.name, owner, tx);
      await this.memberships.insertFounders(id, owner, [owner, ...others], tx);
      return this.audience.ofConversation(id, tx);
    });
    const conversation = await this.views.conversation(id, owner);
    this.events.publish(new ConversationCreatedEvent(conversation, memberIds));
    return conversation;
  }
}
