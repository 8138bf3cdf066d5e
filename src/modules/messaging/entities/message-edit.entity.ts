import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A previous version of a message's content, kept on every edit. */
@Entity({ name: 'message_edits' })
export class MessageEditEntity {
  @PrimaryColumn('uuid', { name: 'message_id' })
  messageId: string;

  @PrimaryColumn('integer')
  version: number;

  @Column('text')
  content: string;

  @Column('timestamptz', { name: 'edited_at' })
  editedAt: Date;
}
