import { Actor, AppQuery } from '../../../../common/cqrs/app-command';
import { PageLimit } from '../../../../common/pagination/cursor';
import { ConversationIdField, SeqField } from '../../domain/fields';
import { MessagePage } from '../../domain/views';

/** `messages.sync`: catch-up after a seq the client already holds; afterSeq is required. */
export class SyncMessagesQuery extends AppQuery<MessagePage, { actor: Actor }> {
  @ConversationIdField()
  conversationId: string;

  @SeqField('afterSeq')
  afterSeq: number;

  @PageLimit()
  limit = 50;

  actor: Actor;
}
