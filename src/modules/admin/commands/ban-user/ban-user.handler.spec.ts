import { EventBus } from '@nestjs/cqrs';
import { AccessTokenService } from '../../../../common/auth/access-token.service';
import { appErrorOf } from '../../../../common/errors/app-error.testing';
import { ErrorCode } from '../../../../common/errors/app-error';
import { Db, Tx } from '../../../../database/db';
import { AuditLog } from '../../../audit';
import { IdentityDirectory, Suspension, Suspensions } from '../../../identity';
import { UserBannedEvent } from '../../events/user-banned.event';
import { BanUserCommand } from './ban-user.command';
import { BanUserHandler } from './ban-user.handler';

const admin = { userId: '0190c7c0-0000-7000-8000-0000000000aa' };
const target = '0190c7c0-0000-7000-8000-0000000000bb';
const bannedAt = new Date('2026-11-22T05:00:00Z');

function harness(isAdmin: boolean, suspension: Suspension) {
  const order: string[] = [];
  const tx = {} as Tx;
  const db = { transaction: jest.fn((work: (t: Tx) => Promise<unknown>) => work(tx)) } as unknown as Db & { transaction: jest.Mock };
  const identity = { isActiveAdmin: jest.fn().mockResolvedValue(isAdmin) } as unknown as IdentityDirectory;
  const suspensions = { suspend: jest.fn().mockResolvedValue(suspension) } as unknown as Suspensions & { suspend: jest.Mock };
  const audit = {
    record: jest.fn(() => Promise.resolve(void order.push('audit'))),
    latestDetails: jest.fn().mockResolvedValue({ reason: 'earlier' }),
  } as unknown as AuditLog & { record: jest.Mock };
  const tokens = { markSessionsRevoked: jest.fn(() => Promise.resolve(void order.push('revoke'))) } as unknown as AccessTokenService & { markSessionsRevoked: jest.Mock };
  const events = { publish: jest.fn(() => void order.push('publish')) } as unknown as EventBus & { publish: jest.Mock };
  return { handler: new BanUserHandler(db, identity, suspensions, audit, tokens, events), db, suspensions, audit, tokens, events, order, tx };
}

describe('BanUserHandler', () => {
  it('suspends, audits in the same transaction, revokes the tokens, then announces the ban', async () => {
    const h = harness(true, { outcome: 'suspended', bannedAt, sessionIds: ['s1', 's2'] });
    const view = await h.handler.execute(BanUserCommand.create({ userId: target, reason: ' spam ' }, { actor: admin }));
    expect(view).toEqual({ userId: target, bannedAt: bannedAt.toISOString(), reason: 'spam' });
    expect(h.suspensions.suspend).toHaveBeenCalledWith(target, h.tx);
    expect(h.audit.record).toHaveBeenCalledWith(expect.objectContaining({ action: 'user.ban', targetId: target, details: { reason: 'spam', sessionsEnded: 2 } }), h.tx);
    expect(h.tokens.markSessionsRevoked).toHaveBeenCalledWith(['s1', 's2']);
    expect(h.events.publish).toHaveBeenCalledWith(new UserBannedEvent(target, ['s1', 's2']));
    expect(h.order).toEqual(['audit', 'revoke', 'publish']);
  });

  it('answers an existing ban as it is, with its recorded reason, writing nothing', async () => {
    const h = harness(true, { outcome: 'already', bannedAt });
    const view = await h.handler.execute(BanUserCommand.create({ userId: target }, { actor: admin }));
    expect(view).toEqual({ userId: target, bannedAt: bannedAt.toISOString(), reason: 'earlier' });
    expect(h.audit.record).not.toHaveBeenCalled();
  });

  it('refuses non-admins, admins as targets, unknown users and oneself', async () => {
    const cmd = BanUserCommand.create({ userId: target }, { actor: admin });
    expect((await appErrorOf(harness(false, { outcome: 'suspended', bannedAt, sessionIds: [] }).handler.execute(cmd))).code).toBe(ErrorCode.FORBIDDEN);
    expect((await appErrorOf(harness(true, { outcome: 'protected', role: 'admin' }).handler.execute(cmd))).code).toBe(ErrorCode.FORBIDDEN);
    expect((await appErrorOf(harness(true, { outcome: 'not-found' }).handler.execute(cmd))).code).toBe(ErrorCode.NOT_FOUND);
    const self = harness(true, { outcome: 'suspended', bannedAt, sessionIds: [] });
    expect((await appErrorOf(self.handler.execute(BanUserCommand.create({ userId: admin.userId }, { actor: admin })))).code).toBe(ErrorCode.VALIDATION_FAILED);
    expect(self.db.transaction).not.toHaveBeenCalled();
  });
});
