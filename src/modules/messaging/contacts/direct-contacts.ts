import { Injectable, Module } from '@nestjs/common';
import { IdentityDirectory, IdentityDirectoryModule } from '../../identity';
import { ConversationsRepository } from '../repositories/conversations.repository';

/**
 * A user's contacts: the people they share a direct conversation with, neither blocking the
 * other. They see each other's presence; sharing a group is not enough, since anyone may be
 * pulled into a group with strangers.
 */
@Injectable()
export class DirectContacts {
  constructor(
    private readonly conversations: ConversationsRepository,
    private readonly directory: IdentityDirectory,
  ) {}

  async of(userId: string): Promise<string[]> {
    return this.withoutBlocks(userId, await this.conversations.directPartners(userId));
  }

  /** Of `others`, the user's contacts. */
  async among(userId: string, others: readonly string[]): Promise<string[]> {
    return this.withoutBlocks(userId, await this.conversations.directPartnersAmong(userId, others));
  }

  private async withoutBlocks(userId: string, partners: string[]): Promise<string[]> {
    const blocked = new Set(await this.directory.blockedBetween(userId, partners));
    return partners.filter((id) => !blocked.has(id));
  }
}

/** Contacts on their own, for processes that run no messaging (the worker's presence sweep). */
@Module({
  imports: [IdentityDirectoryModule],
  providers: [ConversationsRepository, DirectContacts],
  exports: [DirectContacts],
})
export class MessagingContactsModule {}
