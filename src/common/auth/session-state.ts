/** What a session is, for a token naming it and a user: live and that user's, ended (or gone), or another user's. */
export type SessionState = 'live' | 'ended' | 'foreign';

/**
 * How the access-token check learns whether a session has ended: infrastructure asks, the
 * module that owns sessions (identity) answers, under the SESSION_STATE_READER token.
 */
export interface SessionStateReader {
  state(sessionId: string, userId: string): Promise<SessionState>;
  endedAmong(sessionIds: readonly string[]): Promise<Set<string>>;
}

export const SESSION_STATE_READER = Symbol('SESSION_STATE_READER');
