import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AppError } from '../../../common/errors/app-error';
import { APP_CONFIG, AppConfig } from '../../../config/config';
import { blockedBetween, contactsOnlyStrangers, existingUsers } from './blocks';

/** Rules for putting users into a group, shared by create and add-members. */
@Injectable()
export class GroupAdmission {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /**
   * Checks that the users exist (404), that none blocked or was blocked by the adder (403),
   * that none who accepts group invitations only from contacts is a stranger to the adder
   * (403), and the size cap (400).
   */
  async check(manager: EntityManager, adderId: string, userIds: string[], currentSize: number, field: 'memberIds' | 'userIds'): Promise<void> {
    const existing = await existingUsers(manager, userIds);
    if (existing.size !== userIds.length) throw AppError.notFound('User');
    if ((await blockedBetween(manager, adderId, userIds)).length > 0) {
      throw AppError.forbidden('A block between you and one of these users prevents adding them');
    }
    if ((await contactsOnlyStrangers(manager, adderId, userIds)).length > 0) {
      throw AppError.forbidden('One of these users accepts group invitations only from people they have a direct conversation with');
    }
    const max = this.config.messaging.maxGroupMembers;
    if (currentSize + userIds.length > max) {
      throw AppError.validation(`A group can have at most ${max} members`, [
        { field, message: `at most ${max} members including the owner` },
      ]);
    }
  }
}
