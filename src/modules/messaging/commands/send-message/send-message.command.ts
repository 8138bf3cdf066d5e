import { ApiPropertyOptional } from '@nestjs/swagger';
import { LowercaseId } from '../../../../common/cqrs/transforms';
import { ArrayMaxSize, IsArray, IsOptional, IsUUID, ValidateIf } from 'class-validator';
import { Actor, AppCommand } from '../../../../common/cqrs/app-command';
import { ClientMessageIdField, ContentField, ConversationIdField } from '../../domain/fields';
import { MessageView } from '../../domain/views';

export interface SendMessageResult {
  message: MessageView;
  /** False when this was a retry of an already-stored message. */
  created: boolean;
}

export class SendMessageCommand extends AppCommand<SendMessageResult, { actor: Actor }> {
  @ConversationIdField()
  conversationId: string;

  /** Required unless attachments are given. */
  @ValidateIf((o: SendMessageCommand) => o.content !== undefined || !o.attachmentIds?.length)
  @ContentField()
  content?: string;

  @ClientMessageIdField()
  clientMessageId: string;

  @ApiPropertyOptional({ type: [String], description: 'Attachment ids (attachments module); none are accepted yet' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @LowercaseId()
  @IsUUID('all', { each: true })
  attachmentIds?: string[];

  @ApiPropertyOptional({ format: 'uuid', description: 'A message of the same conversation' })
  @IsOptional()
  @LowercaseId()
  @IsUUID('all', { message: 'replyToId must be a UUID' })
  replyToId?: string;

  actor: Actor;
}
