import { IsUUID } from 'class-validator';
import { LowercaseId } from '../../../../common/cqrs/transforms';
import { AppQuery, Actor } from '../../../../common/cqrs/app-command';
import { PublicUserView } from '../../domain/user.views';

export class GetUserQuery extends AppQuery<PublicUserView, { actor: Actor }> {
  @LowercaseId()
  @IsUUID('all', { message: 'id must be a UUID' })
  id: string;

  actor: Actor;
}
