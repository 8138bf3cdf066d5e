import { IsUUID } from 'class-validator';
import { Actor, AppCommand } from '../../../../common/cqrs/app-command';

export class UnbanUserCommand extends AppCommand<void> {
  @IsUUID('all', { message: 'userId must be a UUID' })
  userId: string;

  actor: Actor;
}
