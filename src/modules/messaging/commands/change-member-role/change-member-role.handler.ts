import { CommandHandler, EventBus, ICommandHandler } from '@nestjs/cqrs';
import { Db } from '../../../../database/db';
import { Audience } from '../../domain/audience';
import { ConversationAccess } from '../../domain/conversation-access';
import { checkRoleChange } from '../../domain/membership-rules';
import { MessagingViews } from '../../domain/messaging-views';
import { ConversationView } from '../../domain/views';
import { ConversationUpdatedEvent } from '../../events/messaging.events';
import { MembershipsRepository } from '../../repositories/memberships.repository';
import { ChangeMemberRoleCommand } from './change-member-role.command';

/** Owners only; a group always keeps at least one owner (see checkRoleChange). */
@CommandHandler(ChangeMemberRoleCommand)
export class ChangeMemberRoleHandler implements ICommandHandler<ChangeMemberRoleCommand> {
  constructor(
    private readonly db: Db,
    private readonly access: ConversationAccess,
    private readonly memberships: MembershipsRepository,
    private readonly audience: Audience,
    private readonly views: MessagingViews,
    private readonly events: EventBus,
  ) {}

  async execute(cmd: ChangeMemberRoleCommand): Promise<ConversationView> {
    const memberIds = await this.db.transaction(async (tx) => {
      const me = await this.access.lockAsMember(cmd.conversationId, cmd.actor.userId, tx);
      const members = await this.memberships.listByJoin(cmd.conversationId, tx);
      checkRoleChange(me, cmd.userId, cmd.role, members);
      await this.memberships.setRole(cmd.conversationId, cmd.userId, cmd.role, tx);
      return this.audience.ofConversation(cmd.conversationId, tx);
    });
    this.events.publish(new ConversationUpdatedEvent(cmd.conversationId, memberIds));
    return this.views.conversation(cmd.conversationId, cmd.actor.userId);
  }
}
