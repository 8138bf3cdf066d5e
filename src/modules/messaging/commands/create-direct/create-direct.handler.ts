import { CommandHandler, EventBus, ICommandHandler } from '@nestjs/cqrs';
import { v7 as uuidv7 } from 'uuid';
import { AppError } from '../../../../common/errors/app-error';
import { Db } from '../../../../database/db';
import { IdentityDirectory } from '../../../identity';
import { Audience } from '../../domain/audience';
import { MessagingViews } from '../../domain/messaging-views';
import { ConversationCreatedEvent } from '../../events/messaging.events';
import { ConversationsRepository } from '../../repositories/conversations.repository';
import { MembershipsRepository } from '../../repositories/memberships.repository';
import { CreateDirectConversationCommand, CreateDirectResult } from './create-direct.command';

/**
 * Get-or-create. The pair is stored sorted under a unique index, so two simultaneous
 * creations (from either side) end with one conversation: the loser's insert does nothing
 * and it reads the winner's row.
 */
@CommandHandler(CreateDirectConversationCommand)
export class CreateDirectConversationHandler implements ICommandHandler<CreateDirectConversationCommand> {
  constructor(
    private readonly db: Db,
    private readonly directory: IdentityDirectory,
    private readonly conversations: ConversationsRepository,
    private readonly memberships: MembershipsRepository,
    private readonly audience: Audience,
    private readonly views: MessagingViews,
    private readonly events: EventBus,
  ) {}

  async execute(cmd: CreateDirectConversationCommand): Promise<CreateDirectResult> {
    const me = cmd.actor.userId;
    if (cmd.userId === me) {
      throw AppError.validation('You cannot start a direct conversation with yourself', [{ field: 'userId', message: 'must not be your own id' }]);
    }
    const [low, high] = me < cmd.userId ? [me, cmd.userId] : [cmd.userId, me];
    const { id, created, memberIds } = await this.db.transaction(async (tx) => {
      if (!(await this.directory.existing([cmd.userId], tx)).has(cmd.userId)) throw AppError.notFound('User');
      if ((await this.directory.blockedBetween(me, [cmd.userId], tx)).length > 0) {
        throw AppError.forbidden('You cannot start a conversation with this user');
      }
      const inserted = await this.conversations.insertDirect(uuidv7(), low, high, me, tx);
      if (inserted) {
        await this.memberships.insertPair(inserted, low, high, tx);
        return { id: inserted, created: true, memberIds: await this.audience.ofConversation(inserted, tx) };
      }
      const found = await this.conversations.findDirect(low, high, tx);
      if (!found) throw new Error('a direct conversation both exists and does not');
      return { id: found, created: false, memberIds: [] };
    });
    const conversation = await this.views.conversation(id, me);
    if (created) this.events.publish(new ConversationCreatedEvent(conversation, memberIds));
    return { conversation, created };
  }
}
