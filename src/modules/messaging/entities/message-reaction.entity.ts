import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'message_reactions' })
export class MessageReactionEntity {
  @PrimaryColumn('uuid', { name: 'message_id' })
  messageId: string;

  @PrimaryColumn('uuid', { name: 'user_id' })
  userId: string;

  @PrimaryColumn('text')
  emoji: string;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;
}
