import { IsUUID } from 'class-validator';
import { LowercaseId } from '../../../../common/cqrs/transforms';
import { Actor, AppCommand } from '../../../../common/cqrs/app-command';

export class UnbanUserCommand extends AppCommand<void, { actor: Actor }> {
  @LowercaseId()
  @IsUUID('all', { message: 'userId must be a UUID' })
  userId: string;

  actor: Actor;
}
