import { IsUUID } from 'class-validator';
import { AppQuery } from '../../../../common/cqrs/app-command';

/** The users who share a direct conversation with `userId` (who see their presence). */
export class ListDirectPartnersQuery extends AppQuery<string[]> {
  @IsUUID('all')
  userId: string;
}
