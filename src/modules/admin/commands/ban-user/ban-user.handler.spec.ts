import { EventBus } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { AccessTokenService } from '../../../../common/auth/access-token.service';
import { appErrorOf } from '../../../../common/errors/app-error.testing';
import { ErrorCode } from '../../../../common/errors/app-error';
import { UserBannedEvent } from '../../events/user-banned.event';
import { BanUserCommand } from './ban-user.command';
import { BanUserHandler } from './ban-user.handler';

const admin = { userId: '0190c7c0-0000-7000-8000-0000000000aa', role: 'admin' as const };
const target = '0190c7c0-0000-7000-8000-0000000000bb';
const bannedAt = new Date('2026-11-22T05:00:00Z');

function harness(actorRole: string, targetRow: { role: string; banned_at: Date | null } | undefined) {
  const order: string[] = [];
  const manager = {
    query: jest.fn((sql: string) => Promise.resolve(answer(sql))),
  };
  function answer(sql: string): unknown {
    if (sql.startsWith('SELECT role, banned_at FROM users WHERE id = $1 FOR UPDATE')) return targetRow ? [targetRow] : [];
    if (sql.startsWith('SELECT role, banned_at')) return [{ role: actorRole, banned_at: null }];
    if (sql.startsWith('SELECT details')) return [{ details: { reason: 'earlier' } }];
    if (sql.startsWith('UPDATE users')) return [[{ banned_at: bannedAt }], 1];
    if (sql.startsWith('UPDATE sessions')) return [[{ id: 's1' }, { id: 's2' }], 2];
    return [];
  }
  const dataSource = { transaction: jest.fn((fn: (m: unknown) => Promise<unknown>) => fn(manager)) } as unknown as DataSource;
  const tokens = { markSessionsRevoked: jest.fn(() => Promise.resolve(void order.push('revoke'))) } as unknown as AccessTokenService;
  const events = { publish: jest.fn(() => void order.push('publish')) } as unknown as EventBus;
  return { handler: new BanUserHandler(dataSource, tokens, events), manager, tokens, events, order, dataSource };
}

describe('BanUserHandler', () => {
  it('ends the sessions, revokes their tokens, then announces the ban', async () => {
    const h = harness('admin', { role: 'user', banned_at: null });
    const view = await h.handler.execute(BanUserCommand.create({ userId: target, reason: ' spam ' }, { actor: admin }));
    expect(view).toEqual({ userId: target, bannedAt: bannedAt.toISOString(), reason: 'spam' });
    expect(h.tokens.markSessionsRevoked).toHaveBeenCalledWith(['s1', 's2']);
    expect(h.events.publish).toHaveBeenCalledWith(new UserBannedEvent(target, ['s1', 's2']));
    expect(h.order).toEqual(['revoke', 'publish']);
  });

  it('answers an existing ban as it is', async () => {
    const h = harness('admin', { role: 'user', banned_at: bannedAt });
    const view = await h.handler.execute(BanUserCommand.create({ userId: target }, { actor: admin }));
    expect(view).toEqual({ userId: target, bannedAt: bannedAt.toISOString(), reason: 'earlier' });
    const sql = h.manager.query.mock.calls.map(([text]) => text);
    expect(sql.filter((text) => /^(UPDATE|INSERT)/.test(text))).toEqual([]);
  });

  it('refuses non-admins, admins as targets, unknown users and oneself', async () => {
    expect((await appErrorOf(harness('user', { role: 'user', banned_at: null }).handler.execute(BanUserCommand.create({ userId: target }, { actor: admin })))).code).toBe(ErrorCode.FORBIDDEN);
    expect((await appErrorOf(harness('admin', { role: 'admin', banned_at: null }).handler.execute(BanUserCommand.create({ userId: target }, { actor: admin })))).code).toBe(ErrorCode.FORBIDDEN);
    expect((await appErrorOf(harness('admin', undefined).handler.execute(BanUserCommand.create({ userId: target }, { actor: admin })))).code).toBe(ErrorCode.NOT_FOUND);
    const self = harness('admin', { role: 'user', banned_at: null });
    expect((await appErrorOf(self.handler.execute(BanUserCommand.create({ userId: admin.userId }, { actor: admin })))).code).toBe(ErrorCode.VALIDATION_FAILED);
    expect(self.dataSource.transaction).not.toHaveBeenCalled();
  });
});
