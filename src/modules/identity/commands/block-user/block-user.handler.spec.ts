import { EventBus } from '@nestjs/cqrs';
import { AppError, ErrorCode } from '../../../../common/errors/app-error';
import { Db, Tx } from '../../../../database/db';
import { UserBlockedEvent } from '../../events/user-blocked.event';
import { BlocksRepository } from '../../repositories/blocks.repository';
import { UsersRepository } from '../../repositories/users.repository';
import { BlockUserCommand } from './block-user.command';
import { BlockUserHandler } from './block-user.handler';

const me = { userId: '0190c7c0-0000-7000-8000-0000000000aa' };
const them = '0190c7c0-0000-7000-8000-0000000000bb';

function harness(targetExists: boolean, alreadyBlocked: boolean) {
  const tx = {} as Tx;
  const db = { transaction: jest.fn((work: (t: Tx) => Promise<unknown>) => work(tx)) } as unknown as Db & { transaction: jest.Mock };
  const users = { existing: jest.fn().mockResolvedValue(new Set(targetExists ? [them] : [])) } as unknown as UsersRepository;
  const blocks = { insert: jest.fn().mockResolvedValue(!alreadyBlocked) } as unknown as BlocksRepository & { insert: jest.Mock };
  const events = { publish: jest.fn() } as unknown as EventBus & { publish: jest.Mock };
  return { handler: new BlockUserHandler(db, users, blocks, events), blocks, events, db, tx };
}

describe('BlockUserHandler', () => {
  it('stores the block and publishes UserBlocked once', async () => {
    const h = harness(true, false);
    await h.handler.execute(BlockUserCommand.create({ userId: them }, { actor: me }));
    expect(h.blocks.insert).toHaveBeenCalledWith(me.userId, them, h.tx);
    expect(h.events.publish).toHaveBeenCalledWith(new UserBlockedEvent(me.userId, them));
  });

  it('is idempotent: an existing block publishes nothing', async () => {
    const h = harness(true, true);
    await h.handler.execute(BlockUserCommand.create({ userId: them }, { actor: me }));
    expect(h.events.publish).not.toHaveBeenCalled();
  });

  it('refuses blocking oneself before touching the database, and an unknown user with 404', async () => {
    const self = harness(true, false);
    const err = await self.handler.execute(BlockUserCommand.create({ userId: me.userId }, { actor: me })).catch((e: AppError) => e);
    expect((err as AppError).code).toBe(ErrorCode.VALIDATION_FAILED);
    expect(self.db.transaction).not.toHaveBeenCalled();

    const ghost = harness(false, false);
    const notFound = await ghost.handler.execute(BlockUserCommand.create({ userId: them }, { actor: me })).catch((e: AppError) => e);
    expect((notFound as AppError).code).toBe(ErrorCode.NOT_FOUND);
    expect(ghost.blocks.insert).not.toHaveBeenCalled();
  });
});
