import { Actor, AppQuery } from '../../../common/cqrs/app-command';
import { PageLimit } from '../../../common/pagination/cursor';
import { ConversationIdField, MessageIdField, SeqField } from '../domain/fields';
import { MessageEditView, MessagePage, MessageView } from '../domain/views';

/** History before `beforeSeq` (default: the latest), or catch-up after `afterSeq`; never both. */
export class ListMessagesQuery extends AppQuery<MessagePage> {
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

export class GetMessageQuery extends AppQuery<MessageView> {
  @MessageIdField()
  messageId: string;

  actor: Actor;
}

export class ListMessageEditsQuery extends AppQuery<MessageEditView[]> {
  @MessageIdField()
  messageId: string;

  actor: Actor;
}

/** `messages.sync`: catch-up after a seq the client already holds; afterSeq is required. */
export class SyncMessagesQuery extends AppQuery<MessagePage> {
  @ConversationIdField()
  conversationId: string;

  @SeqField('afterSeq')
  afterSeq: number;

  @PageLimit()
  limit = 50;

  actor: Actor;
}
