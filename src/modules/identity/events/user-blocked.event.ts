/** Published after a block is stored (messaging uses it to refuse sends between the pair). */
export class UserBlockedEvent {
  constructor(
    readonly blockerId: string,
    readonly blockedId: string,
  ) {}
}

export class UserUnblockedEvent {
  constructor(
    readonly blockerId: string,
    readonly blockedId: string,
  ) {}
}
