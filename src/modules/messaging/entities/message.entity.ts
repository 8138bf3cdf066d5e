import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'messages' })
export class MessageEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'conversation_id' })
  conversationId: string;

  @Column('bigint')
  seq: string;

  @Column('uuid', { name: 'sender_id' })
  senderId: string;

  @Column('text', { name: 'client_message_id' })
  clientMessageId: string;

  /** Null once deleted (tombstone). */
  @Column('text', { nullable: true })
  content: string | null;

  @Column('uuid', { name: 'reply_to_id', nullable: true })
  replyToId: string | null;

  @Column('integer')
  version: number;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;

  @Column('timestamptz', { name: 'edited_at', nullable: true })
  editedAt: Date | null;

  @Column('timestamptz', { name: 'deleted_at', nullable: true })
  deletedAt: Date | null;

  @Column('uuid', { name: 'deleted_by', nullable: true })
  deletedBy: string | null;
}
