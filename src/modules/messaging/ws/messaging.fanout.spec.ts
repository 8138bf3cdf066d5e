import type { Server } from 'socket.io';
import { RealtimeEmitter } from '../../../common/ws/realtime-emitter';
import { MessageView } from '../domain/views';
import { MemberRemovedEvent, MembersAddedEvent, MessageDeletedEvent, MessageEditedEvent, MessageSentEvent, ReactionChangedEvent, TypingEvent } from '../events/messaging.events';
import { MessagingFanout } from './messaging.fanout';

describe('MessagingFanout', () => {
  const emitted: [string[], string, unknown][] = [];
  // A server without a batch-capable adapter: the emitter falls back to one emit per client event.
  const server = {
    to: (rooms: string | string[]) => ({ emit: (event: string, payload: unknown) => emitted.push([[rooms].flat(), event, payload]) }),
    of: () => ({ adapter: {} }),
  } as unknown as Server;
  const emitter = new RealtimeEmitter();
  emitter.attach(server);
  const fanout = new MessagingFanout(emitter);
  beforeEach(() => emitted.splice(0));

  it('sends message.created to every member, the sender included', () => {
    const message = { id: 'm1', conversationId: 'c1', seq: 3, senderId: 'a' } as MessageView;
    fanout.handle(new MessageSentEvent(message, ['a', 'b', 'c']));
    expect(emitted).toEqual([[['user:a', 'user:b', 'user:c'], 'message.created', message]]);
  });

  it('shapes deletes and reactions as the contract says', () => {
    fanout.handle(new MessageDeletedEvent('m1', 'c1', 3, 'a', ['a', 'b']));
    fanout.handle(new ReactionChangedEvent('removed', 'm1', 'c1', '👍', 'b', ['a', 'b']));
    expect(emitted).toEqual([
      [['user:a', 'user:b'], 'message.deleted', { id: 'm1', conversationId: 'c1', seq: 3 }],
      [['user:a', 'user:b'], 'reaction.removed', { messageId: 'm1', conversationId: 'c1', emoji: '👍', userId: 'b' }],
    ]);
  });

  it('gives each reactor of an edited message their own reactions, and nobody outside the audience anything', () => {
    const message = { id: 'm1', conversationId: 'c1', seq: 3, reactions: [{ emoji: '👍', count: 1, me: false }] } as MessageView;
    const mine = { reactions: [{ emoji: '👍', count: 1, me: true }] };
    fanout.handle(new MessageEditedEvent(message, ['a', 'b'], new Map([['b', mine], ['left-the-group', mine]])));
    expect(emitted).toEqual([
      [['user:a'], 'message.updated', message],
      [['user:b'], 'message.updated', { ...message, ...mine }],
    ]);
  });

  it('announces each newcomer to every member', () => {
    fanout.handle(new MembersAddedEvent('c1', ['x', 'y'], ['a', 'x', 'y']));
    expect(emitted).toEqual([
      [['user:a', 'user:x', 'user:y'], 'conversation.member_added', { conversationId: 'c1', userId: 'x' }],
      [['user:a', 'user:x', 'user:y'], 'conversation.member_added', { conversationId: 'c1', userId: 'y' }],
    ]);
  });

  it('tells the removed member once, with the remaining members', () => {
    fanout.handle(new MemberRemovedEvent('c1', 'gone', ['a', 'b'], false));
    expect(emitted).toEqual([[['user:a', 'user:b', 'user:gone'], 'conversation.member_removed', { conversationId: 'c1', userId: 'gone' }]]);
  });

  it('sends typing to the given recipients only', () => {
    fanout.handle(new TypingEvent('c1', 'a', true, ['b']));
    expect(emitted).toEqual([[['user:b'], 'typing', { conversationId: 'c1', userId: 'a', isTyping: true }]]);
  });
});
