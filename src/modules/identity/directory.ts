import { Injectable, Module } from '@nestjs/common';
import { Tx } from '../../database/db';
import { BlocksRepository } from './repositories/blocks.repository';
import { SessionsRepository } from './repositories/sessions.repository';
import { UserRole, UsersRepository } from './repositories/users.repository';

/** What other modules may ask of identity (users, blocks), joining their transaction when given one. */
@Injectable()
export class IdentityDirectory {
  constructor(
    private readonly users: UsersRepository,
    private readonly blocks: BlocksRepository,
  ) {}

  /** Which of `ids` are existing users. */
  existing(ids: readonly string[], tx?: Tx): Promise<Set<string>> {
    return this.users.existing(ids, tx);
  }

  /** Users among `others` who blocked `userId` or whom `userId` blocked. */
  blockedBetween(userId: string, others: readonly string[], tx?: Tx): Promise<string[]> {
    return this.blocks.blockedBetween(userId, others, tx);
  }

  /** Of `ids`, the users who accept group invitations from contacts only (groupInvites = 'contacts'). */
  onlyFromContacts(ids: readonly string[], tx?: Tx): Promise<string[]> {
    return this.users.onlyFromContacts(ids, tx);
  }

  /** Whether the user is an administrator who is not banned: read every time, never taken from a token. */
  isActiveAdmin(userId: string, tx?: Tx): Promise<boolean> {
    return this.users.isActiveAdmin(userId, tx);
  }
}

export type Suspension =
  | { outcome: 'suspended'; bannedAt: Date; sessionIds: string[] }
  | { outcome: 'already'; bannedAt: Date }
  | { outcome: 'not-found' }
  | { outcome: 'protected'; role: UserRole };

/** Bans and their lifting, in the caller's transaction (the admin module records them). */
@Injectable()
export class Suspensions {
  constructor(
    private readonly users: UsersRepository,
    private readonly sessions: SessionsRepository,
  ) {}

  /** Bans the user and ends every session of theirs; administrators cannot be banned. */
  async suspend(userId: string, tx: Tx): Promise<Suspension> {
    const target = await this.users.lockForSuspension(userId, tx);
    if (!target) return { outcome: 'not-found' };
    if (target.role === 'admin') return { outcome: 'protected', role: target.role };
    if (target.bannedAt) return { outcome: 'already', bannedAt: target.bannedAt };
    const bannedAt = await this.users.setBanned(userId, tx);
    return { outcome: 'suspended', bannedAt, sessionIds: await this.sessions.revokeAllOf(userId, tx) };
  }

  /** Lifts a ban: 'lifted', 'not-banned' or 'not-found'. Sessions ended by the ban stay ended. */
  async lift(userId: string, tx: Tx): Promise<'lifted' | 'not-banned' | 'not-found'> {
    const target = await this.users.lockForSuspension(userId, tx);
    if (!target) return 'not-found';
    if (!target.bannedAt) return 'not-banned';
    await this.users.clearBan(userId, tx);
    return 'lifted';
  }
}

/** The directory on its own, for processes that run no identity module (the worker). */
@Module({
  providers: [UsersRepository, BlocksRepository, IdentityDirectory],
  exports: [IdentityDirectory],
})
export class IdentityDirectoryModule {}
