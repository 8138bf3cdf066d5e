import { CommandHandler, EventBus, ICommandHandler } from '@nestjs/cqrs';
import { Db } from '../../../../database/db';
import { Audience } from '../../domain/audience';
import { ConversationAccess } from '../../domain/conversation-access';
import { planRemoval } from '../../domain/membership-rules';
import { ConversationUpdatedEvent, MemberRemovedEvent } from '../../events/messaging.events';
import { ConversationsRepository } from '../../repositories/conversations.repository';
import { MembershipsRepository } from '../../repositories/memberships.repository';
import { RemoveMemberCommand } from './remove-member.command';

/** Removes a member or leaves (see planRemoval: who may, the owner hand-over, the last one out). */
@CommandHandler(RemoveMemberCommand)
export class RemoveMemberHandler implements ICommandHandler<RemoveMemberCommand> {
  constructor(
    private readonly db: Db,
    private readonly access: ConversationAccess,
    private readonly conversations: ConversationsRepository,
    private readonly memberships: MembershipsRepository,
    private readonly audience: Audience,
    private readonly events: EventBus,
  ) {}

  async execute(cmd: RemoveMemberCommand): Promise<void> {
    const outcome = await this.db.transaction(async (tx) => {
      // The conversation first, as every write does (the send statement too): a send by the
      // target that holds it finishes first (and is delivered); a later one is refused.
      const me = await this.access.lockAsMember(cmd.conversationId, cmd.actor.userId, tx);
      const plan = planRemoval(me, cmd.userId, await this.memberships.listByJoin(cmd.conversationId, tx));
      await this.memberships.delete(cmd.conversationId, cmd.userId, tx);
      if (plan.deleteGroup) {
        await this.conversations.delete(cmd.conversationId, tx);
        return { remaining: [], deleted: true };
      }
      if (plan.promoted) await this.memberships.setRole(cmd.conversationId, plan.promoted, 'owner', tx);
      await this.conversations.touchActivity(cmd.conversationId, tx);
      return { remaining: await this.audience.ofConversation(cmd.conversationId, tx), deleted: false };
    });
    this.events.publish(new MemberRemovedEvent(cmd.conversationId, cmd.userId, outcome.remaining, outcome.deleted));
    if (!outcome.deleted) this.events.publish(new ConversationUpdatedEvent(cmd.conversationId, outcome.remaining));
  }
}
