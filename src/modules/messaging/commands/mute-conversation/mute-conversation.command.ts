import { ApiProperty } from '@nestjs/swagger';
import { ValidateIf } from 'class-validator';
import { Actor, AppCommand } from '../../../../common/cqrs/app-command';
import { IsoTime } from '../../../../common/cqrs/iso-time';
import { ConversationIdField } from '../../domain/fields';
import { ConversationView } from '../../domain/views';

export class MuteConversationCommand extends AppCommand<ConversationView, { actor: Actor }> {
  @ConversationIdField()
  conversationId: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Muted until this time; null unmutes' })
  @ValidateIf((o: MuteConversationCommand) => o.until !== null)
  @IsoTime('until must be an ISO-8601 time (years 0001–9999) or null')
  until: Date | null;

  actor: Actor;
}
