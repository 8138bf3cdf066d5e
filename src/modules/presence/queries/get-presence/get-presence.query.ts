import { ApiProperty } from '@nestjs/swagger';
import { LowercaseId } from '../../../../common/cqrs/transforms';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsUUID } from 'class-validator';
import { Actor, AppQuery } from '../../../../common/cqrs/app-command';
import { PresenceView } from '../../presence.service';

export class GetPresenceQuery extends AppQuery<PresenceView[], { actor: Actor }> {
  @ApiProperty({ description: 'Comma-separated user ids (1–100), or the parameter repeated', example: '019a…,019b…' })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.split(',').map((s) => s.trim()) : value))
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ArrayUnique({ message: 'userIds must be distinct' })
  @LowercaseId()
  @IsUUID('all', { each: true, message: 'each userId must be a UUID' })
  userIds: string[];

  actor: Actor;
}
