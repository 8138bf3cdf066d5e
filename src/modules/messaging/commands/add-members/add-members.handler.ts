import { CommandHandler, EventBus, ICommandHandler } from '@nestjs/cqrs';
import { Db } from '../../../../database/db';
import { Audience } from '../../domain/audience';
import { ConversationAccess } from '../../domain/conversation-access';
import { GroupAdmission } from '../../domain/membership';
import { requireGroupManager } from '../../domain/membership-rules';
import { MessagingViews } from '../../domain/messaging-views';
import { ConversationView } from '../../domain/views';
import { ConversationCreatedEvent, ConversationUpdatedEvent, MembersAddedEvent } from '../../events/messaging.events';
import { ConversationsRepository } from '../../repositories/conversations.repository';
import { MembershipsRepository } from '../../repositories/memberships.repository';
import { AddMembersCommand } from './add-members.command';

/** New members join at the current seq: they see history from there on, and nothing is unread. */
@CommandHandler(AddMembersCommand)
export class AddMembersHandler implements ICommandHandler<AddMembersCommand> {
  constructor(
    private readonly db: Db,
    private readonly access: ConversationAccess,
    private readonly admission: GroupAdmission,
    private readonly conversations: ConversationsRepository,
    private readonly memberships: MembershipsRepository,
    private readonly audience: Audience,
    private readonly views: MessagingViews,
    private readonly events: EventBus,
  ) {}

  async execute(cmd: AddMembersCommand): Promise<ConversationView> {
    const { added, memberIds } = await this.db.transaction(async (tx) => {
      // Lock, then read: membership changes (and the size cap) are serialised by the conversation's lock.
      const me = await this.access.lockAsMember(cmd.conversationId, cmd.actor.userId, tx);
      requireGroupManager(me);
      const current = await this.memberships.memberIds(cmd.conversationId, tx);
      const newcomers = cmd.userIds.filter((id) => !current.includes(id));
      await this.admission.check(cmd.actor.userId, newcomers, current.length, 'userIds', tx);
      if (newcomers.length > 0) {
        await this.memberships.insertNewcomers(cmd.conversationId, newcomers, tx);
        await this.conversations.touchActivity(cmd.conversationId, tx);
      }
      return { added: newcomers, memberIds: await this.audience.ofConversation(cmd.conversationId, tx) };
    });
    if (added.length > 0) {
      this.events.publish(new ConversationCreatedEvent(await this.views.conversation(cmd.conversationId, added[0]), added));
      this.events.publish(new MembersAddedEvent(cmd.conversationId, added, memberIds));
      this.events.publish(new ConversationUpdatedEvent(cmd.conversationId, memberIds));
    }
    return this.views.conversation(cmd.conversationId, cmd.actor.userId);
  }
}
