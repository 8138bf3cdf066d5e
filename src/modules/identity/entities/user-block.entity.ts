import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'user_blocks' })
export class UserBlockEntity {
  @PrimaryColumn('uuid', { name: 'blocker_id' })
  blockerId: string;

  @PrimaryColumn('uuid', { name: 'blocked_id' })
  blockedId: string;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;
}
