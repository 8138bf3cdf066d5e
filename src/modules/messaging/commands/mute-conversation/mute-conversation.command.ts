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
  @Transform(({ value }: { value: unknown }) => (isRealIsoTime(value) ? new Date(value) : value))
  @ValidateIf((o: MuteConversationCommand) => o.until !== null)
  @IsDate({ message: 'until must be an ISO-8601 time or null' })
  until: Date | null;

  actor: Actor;
}

/** An ISO-8601 time whose calendar date exists (2024-02-30 does not, though Date would roll it over). */
function isRealIsoTime(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.exec(value);
  if (!m || Number.isNaN(Date.parse(value))) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const day = new Date(Date.UTC(y, mo - 1, d));
  return day.getUTCFullYear() === y && day.getUTCMonth() === mo - 1 && day.getUTCDate() === d;
}
