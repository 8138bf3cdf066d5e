import { IsUUID } from 'class-validator';
import { AppCommand, Actor } from '../../../../common/cqrs/app-command';

export class UnblockUserCommand extends AppCommand<void> {
  @IsUUID('all', { message: 'userId must be a UUID' })
  userId: string;

  actor: Actor;
}
