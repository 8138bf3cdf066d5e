import { ApiProperty } from '@nestjs/swagger';
import { ArrayMinSize, ArrayUnique, IsArray, IsString, IsUUID, Length } from 'class-validator';
import { Actor, AppCommand } from '../../../../common/cqrs/app-command';
import { Trim, LowercaseId } from '../../../../common/cqrs/transforms';
import { ConversationView } from '../../domain/views';

export class CreateGroupCommand extends AppCommand<ConversationView, { actor: Actor }> {
  @ApiProperty({ example: 'Launch team', minLength: 1, maxLength: 100 })
  @Trim()
  @IsString()
  @Length(1, 100, { message: 'name must be 1 to 100 characters after trimming' })
  name: string;

  @ApiProperty({
    type: [String],
    description:
      'Other members (distinct user ids, at least one besides the caller, who becomes owner). A block between the caller and any of them, either way, answers 403; blocks among the other members do not prevent the group.',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique({ message: 'memberIds must be distinct' })
  @LowercaseId()
  @IsUUID('all', { each: true, message: 'each memberId must be a UUID' })
  memberIds: string[];

  actor: Actor;
}
