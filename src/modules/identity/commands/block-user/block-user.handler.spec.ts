import { EventBus } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { AppError, ErrorCode } from '../../../../common/errors/app-error';
import { UserBlockedEvent } from '../../events/user-blocked.event';
import { BlockUserCommand } from './block-user.command';
import { BlockUserHandler } from './block-user.handler';

const me = { userId: '0190c7c0-0000-7000-8000-0000000000aa', role: 'user' as const };
const them = '0190c7c0-0000-7000-8000-0000000000bb';

function harness(targetExists: boolean, alreadyBlocked: boolean) {
  const manager = {
    existsBy: jest.fn().mockResolvedValue(targetExists),
    query: jest.fn().mockResolvedValue(alreadyBlocked ? [] : [{ blocked_id: them }]),
  };
  const dataSource = { transaction: jest.fn((fn: (m: unknown) => Promise<unknown>) => fn(manager)) } as unknown as DataSource;
  const events = { publish: jest.fn() } as unknown as EventBus;
  return { handler: new BlockUserHandler(dataSource, events), manager, events, dataSource };
}

describe('BlockUserHandler', () => {
  it('stores the block and publishes UserBlocked once', async () => {
    const h = harness(true, false);
    await h.handler.execute(BlockUserCommand.create({ userId: them }, { actor: me }));
    expect(h.manager.query).toHaveBeenCalledWith(expect.stringContaining('ON CONFLICT DO NOTHING'), [me.userId, them]);
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
    expect(self.dataSource.transaction).not.toHaveBeenCalled();

    const ghost = harness(false, false);
    const notFound = await ghost.handler.execute(BlockUserCommand.create({ userId: them }, { actor: me })).catch((e: AppError) => e);
    expect((notFound as AppError).code).toBe(ErrorCode.NOT_FOUND);
    expect(ghost.manager.query).not.toHaveBeenCalled();
  });
});
