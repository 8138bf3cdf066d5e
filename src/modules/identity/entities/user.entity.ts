import { Column, Entity, PrimaryColumn } from 'typeorm';

export type UserRole = 'user' | 'admin';
/** Who may add the user to a group: anyone, or only people who share a direct conversation with them. */
export type GroupInvites = 'everyone' | 'contacts';

@Entity({ name: 'users' })
export class UserEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('text')
  username: string;

  @Column('text')
  email: string;

  @Column('text', { name: 'display_name' })
  displayName: string;

  @Column('text', { name: 'password_hash', select: false })
  passwordHash: string;

  @Column('text')
  timezone: string;

  @Column('text')
  role: UserRole;

  @Column('text', { name: 'group_invites' })
  groupInvites: GroupInvites;

  @Column('timestamptz', { name: 'banned_at', nullable: true })
  bannedAt: Date | null;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt: Date;
}
