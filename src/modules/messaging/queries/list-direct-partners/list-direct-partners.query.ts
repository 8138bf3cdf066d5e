import { IsUUID } from 'class-validator';
import { LowercaseId } from '../../../../common/cqrs/transforms';
import { AppQuery } from '../../../../common/cqrs/app-command';

/** The users who share a direct conversation with `userId` (who see their presence). */
export class ListDirectPartnersQuery extends AppQuery<string[]> {
  @LowercaseId()
  @IsUUID('all')
  userId: string;
}
