import { ApiProperty } from '@nestjs/swagger';
import { IsDate, ValidateIf } from 'class-validator';
import { Transform } from 'class-transformer';
import { Actor, AppCommand } from '../../../../common/cqrs/app-command';
import { ConversationIdField } from '../../domain/fields';
import { ConversationView } from '../../domain/views';

export class MuteConversationCommand extends AppCommand<ConversationView> {
  @ConversationIdField()
  conversationId: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Muted until this time; null unmutes' })
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(Date.parse(value)) ? new Date(value) : value,
  )
  @ValidateIf((o: MuteConversationCommand) => o.until !== null)
  @IsDate({ message: 'until must be an ISO-8601 time or null' })
  until: Date | null;

  actor: Actor;
}
