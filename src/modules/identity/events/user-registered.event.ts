export class UserRegisteredEvent {
  constructor(
    readonly userId: string,
    readonly username: string,
  ) {}
}
