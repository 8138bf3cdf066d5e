import { ApiProperty } from '@nestjs/swagger';
import { ArrayMinSize, ArrayUnique, IsArray, IsString, IsUUID, Length } from 'class-validator';
import { Actor, AppCommand } from '../../../../common/cqrs/app-command';
import { Trim } from '../../../../common/cqrs/transforms';
import { ConversationView } from '../../domain/views';

export class CreateGroupCommand extends AppCommand<ConversationView> {
  @ApiProperty({ example: 'Launch team', minLength: 1, maxLength: 100 })
  @Trim()
  @IsString()
  @Length(1, 100, { message: 'name must be 1 to 100 characters after trimming' })
  name: string;

  @ApiProperty({ type: [String], description: 'Other members (distinct user ids); the caller becomes owner' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique({ message: 'memberIds must be distinct' })
  @IsUUID('all', { each: true, message: 'each memberId must be a UUID' })
  memberIds: string[];

  actor: Actor;
}
