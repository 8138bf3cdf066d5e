import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Min } from 'class-validator';
import { Actor, AppCommand } from '../../../../common/cqrs/app-command';
import { ContentField, MessageIdField } from '../../domain/fields';
import { MessageView } from '../../domain/views';

export class EditMessageCommand extends AppCommand<MessageView, { actor: Actor }> {
  @MessageIdField()
  messageId: string;

  @ContentField()
  content: string;

  @ApiPropertyOptional({ example: 1, description: 'Refuse the edit (409) unless the message is at this version' })
  @IsOptional()
  @IsInt()
  @Min(1)
  expectedVersion?: number;

  actor: Actor;
}
