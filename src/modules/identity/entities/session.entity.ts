import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A login on one device: the family of refresh tokens that rotate from one login. */
@Entity({ name: 'sessions' })
export class SessionEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'user_id' })
  userId: string;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;

  @Column('timestamptz', { name: 'last_used_at' })
  lastUsedAt: Date;

  @Column('timestamptz', { name: 'revoked_at', nullable: true })
  revokedAt: Date | null;

  @Column('text', { name: 'user_agent', nullable: true })
  userAgent: string | null;

  @Column('inet', { nullable: true })
  ip: string | null;
}
