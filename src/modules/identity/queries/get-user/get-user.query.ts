import { IsUUID } from 'class-validator';
import { AppQuery, Actor } from '../../../../common/cqrs/app-command';
import { PublicUserView } from '../../domain/user.views';

export class GetUserQuery extends AppQuery<PublicUserView> {
  @IsUUID('all', { message: 'id must be a UUID' })
  id: string;

  actor: Actor;
}
