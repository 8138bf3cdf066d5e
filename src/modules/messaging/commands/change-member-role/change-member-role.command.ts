import { ApiProperty } from '@nestjs/swagger';
import { LowercaseId } from '../../../../common/cqrs/transforms';
import { IsIn, IsUUID } from 'class-validator';
import { Actor, AppCommand } from '../../../../common/cqrs/app-command';
import { ConversationIdField } from '../../domain/fields';
import { ConversationView } from '../../domain/views';
import { MemberRole } from '../../domain/views';

export class ChangeMemberRoleCommand extends AppCommand<ConversationView, { actor: Actor }> {
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
