/** A session ended (logout, or refresh-token reuse detected); realtime can drop its sockets. */
export class SessionRevokedEvent {
  constructor(
    readonly userId: string,
    readonly sessionId: string,
    readonly reason: 'logout' | 'token_reuse',
  ) {}
}
