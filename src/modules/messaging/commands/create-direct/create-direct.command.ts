import { ApiProperty } from '@nestjs/swagger';
import { LowercaseId } from '../../../../common/cqrs/transforms';
import { IsUUID } from 'class-validator';
import { Actor, AppCommand } from '../../../../common/cqrs/app-command';
import { ConversationView } from '../../domain/views';

export interface CreateDirectResult {
  conversation: ConversationView;
  created: boolean;
}

export class CreateDirectConversationCommand extends AppCommand<CreateDirectResult, { actor: Actor }> {
  @ApiProperty({ format: 'uuid', description: 'The other person' })
  @LowercaseId()
  @IsUUID('all', { message: 'userId must be a UUID' })
  userId: string;

  actor: Actor;
}
