import { AppQuery, Actor } from '../../../../common/cqrs/app-command';
import { PrivateUserView } from '../../domain/user.views';

export class GetMeQuery extends AppQuery<PrivateUserView, { actor: Actor }> {
  actor: Actor;
}
