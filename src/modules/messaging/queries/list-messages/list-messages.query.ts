import { Actor, AppQuery } from '../../../../common/cqrs/app-command';
import { PageLimit } from '../../../../common/pagination/cursor';
import { ConversationIdField, SeqField } from '../../domain/fields';
import { MessagePage } from '../../domain/views';

/** History before `beforeSeq` (default: the latest), or catch-up after `afterSeq`; never both. */
export class ListMessagesQuery extends AppQuery<MessagePage, { actor: Actor }> {
  @ConversationIdField()
  conversationId: string;

  @SeqField('beforeSeq', true)
  beforeSeq?: number;

  @SeqField('afterSeq', true)
  afterSeq?: number;

  @PageLimit()
  limit = 50;

  actor: Actor;
}
