import { ApiProperty } from '@nestjs/swagger';
import { LowercaseId } from '../../../../common/cqrs/transforms';
import { IsIn, IsUUID } from 'class-validator';
import { Actor, AppCommand } from '../../../../common/cqrs/app-command';
import { ConversationIdField } from '../../domain/fields';
import { ConversationView } from '../../domain/views';
import { MemberRole } from '../../entities/conversation-member.entity';

export class ChangeMemberRoleCommand extends AppCommand<ConversationView> {
  @ConversationIdField()
  conversationId: string;

  @LowercaseId()
  @IsUUID('all', { message: 'userId must be a UUID' })
  userId: string;

  @ApiProperty({ enum: ['owner', 'admin', 'member'] })
  @IsIn(['owner', 'admin', 'member'], { message: 'role must be owner, admin or member' })
  role: MemberRole;

  actor: Actor;
}
