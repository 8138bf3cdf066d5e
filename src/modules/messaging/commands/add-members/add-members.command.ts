import { ApiProperty } from '@nestjs/swagger';
import { LowercaseId } from '../../../../common/cqrs/transforms';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsUUID } from 'class-validator';
import { Actor, AppCommand } from '../../../../common/cqrs/app-command';
import { ConversationIdField } from '../../domain/fields';
import { ConversationView } from '../../domain/views';

export class AddMembersCommand extends AppCommand<ConversationView, { actor: Actor }> {
  @ConversationIdField()
  conversationId: string;

  @ApiProperty({ type: [String], description: 'Users to add; current members are skipped' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @ArrayUnique({ message: 'userIds must be distinct' })
  @LowercaseId()
  @IsUUID('all', { each: true, message: 'each userId must be a UUID' })
  userIds: string[];

  actor: Actor;
}
