import { deleteCapacity } from './delete-message.handler';

const SENDER = 'sender';
const msg = (role: 'owner' | 'admin' | 'member' | null, type: 'group' | 'direct' = 'group') => ({ sender_id: SENDER, role, type });

describe('deleteCapacity (who may delete a message, and as what)', () => {
  it('lets the sender delete their own message, as sender even when they moderate the group', () => {
    expect(deleteCapacity(msg('member'), SENDER, false)).toBe('sender');
    expect(deleteCapacity(msg('owner'), SENDER, true)).toBe('sender');
    expect(deleteCapacity(msg('member', 'direct'), SENDER, false)).toBe('sender');
  });

  it("lets a group's owner and admins delete others' messages", () => {
    expect(deleteCapacity(msg('owner'), 'moderator', false)).toBe('owner');
    expect(deleteCapacity(msg('admin'), 'moderator', false)).toBe('admin');
  });

  it('refuses other members, and moderators in a direct conversation (there are none)', () => {
    expect(deleteCapacity(msg('member'), 'someone', false)).toBeNull();
    expect(deleteCapacity(msg('owner', 'direct'), 'someone', false)).toBeNull();
  });

  it('lets a system administrator delete any message, member or not; a group role comes first', () => {
    expect(deleteCapacity(msg(null), 'root', true)).toBe('system_admin');
    expect(deleteCapacity(msg('member'), 'root', true)).toBe('system_admin');
    expect(deleteCapacity(msg(null, 'direct'), 'root', true)).toBe('system_admin');
    expect(deleteCapacity(msg('admin'), 'root', true)).toBe('admin');
  });
});
