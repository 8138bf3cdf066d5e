/** A user was banned: every session is already ended; realtime drops their sockets on every node. */
export class UserBannedEvent {
  constructor(
    readonly userId: string,
    readonly sessionIds: readonly string[],
  ) {}
}
