import { IsUUID } from 'class-validator';
import { LowercaseId } from '../../../../common/cqrs/transforms';
import { AppCommand, Actor } from '../../../../common/cqrs/app-command';

export class BlockUserCommand extends AppCommand<void, { actor: Actor }> {
  @LowercaseId()
  @IsUUID('all', { message: 'userId must be a UUID' })
  userId: string;

  actor: Actor;
}
