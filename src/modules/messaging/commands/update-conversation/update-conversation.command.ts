import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { Actor, AppCommand } from '../../../../common/cqrs/app-command';
import { Trim } from '../../../../common/cqrs/transforms';
import { ConversationIdField } from '../../domain/fields';
import { ConversationView } from '../../domain/views';

export class UpdateConversationCommand extends AppCommand<ConversationView, { actor: Actor }> {
  @ConversationIdField()
  conversationId: string;

  @ApiProperty({ example: 'Launch team (EU)', minLength: 1, maxLength: 100 })
  @Trim()
  @IsString()
  @Length(1, 100, { message: 'name must be 1 to 100 characters after trimming' })
  name: string;

  actor: Actor;
}
