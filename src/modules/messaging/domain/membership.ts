import { Inject, Injectable } from '@nestjs/common';
import { AppError } from '../../../common/errors/app-error';
import { APP_CONFIG, AppConfig } from '../../../config/config';
import { Tx } from '../../../database/db';
import { IdentityDirectory } from '../../identity';
import { ConversationsRepository } from '../repositories/conversations.repository';

/** Rules for putting users into a group, shared by create and add-members. */
@Injectable()
export class GroupAdmission {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly directory: IdentityDirectory,
    private readonly conversations: ConversationsRepository,
  ) {}

  /**
   * Checks that the users exist (404), that none blocked or was blocked by the adder (403),
   * that none who accepts group invitations only from contacts is a stranger to the adder
   * (no direct conversation between them: 403), and the size cap (400).
   */
  async check(adderId: string, userIds: string[], currentSize: number, field: 'memberIds' | 'userIds', tx: Tx): Promise<void> {
    const existing = await this.directory.existing(userIds, tx);
    if (existing.size !== userIds.length) throw AppError.notFound('User');
    if ((await this.directory.blockedBetween(adderId, userIds, tx)).length > 0) {
      throw AppError.forbidden('A block between you and one of these users prevents adding them');
    }
    const contactsOnly = await this.directory.onlyFromContacts(userIds, tx);
    if (contactsOnly.length > 0) {
      const contacts = new Set(await this.conversations.directPartnersAmong(adderId, contactsOnly, tx));
      if (contactsOnly.some((id) => !contacts.has(id))) {
        throw AppError.forbidden('One of these users accepts group invitations only from people they have a direct conversation with');
      }
    }
    const max = this.config.messaging.maxGroupMembers;
    if (currentSize + userIds.length > max) {
      throw AppError.validation(`A group can have at most ${max} members`, [
        { field, message: `at most ${max} members including the owner` },
      ]);
    }
  }
}
