import { AuditLogEntity } from './audit-log.entity';
import { ConversationMemberEntity } from './conversation-member.entity';
import { ConversationEntity } from './conversation.entity';
import { MessageEditEntity } from './message-edit.entity';
import { MessageReactionEntity } from './message-reaction.entity';
import { MessageEntity } from './message.entity';
import { OutboxEntity } from './outbox.entity';

export const messagingEntities = [
  ConversationEntity,
  ConversationMemberEntity,
  MessageEntity,
  MessageEditEntity,
  MessageReactionEntity,
  AuditLogEntity,
  OutboxEntity,
];
export {
  AuditLogEntity,
  ConversationEntity,
  ConversationMemberEntity,
  MessageEditEntity,
  MessageEntity,
  MessageReactionEntity,
  OutboxEntity,
};
