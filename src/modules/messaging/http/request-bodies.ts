import { ApiProperty, OmitType } from '@nestjs/swagger';
import { AddMembersCommand } from '../commands/add-members/add-members.command';
import { ChangeMemberRoleCommand } from '../commands/change-member-role/change-member-role.command';
import { EditMessageCommand } from '../commands/edit-message/edit-message.command';
import { MuteConversationCommand } from '../commands/mute-conversation/mute-conversation.command';
import { SendMessageCommand } from '../commands/send-message/send-message.command';
import { UpdateConversationCommand } from '../commands/update-conversation/update-conversation.command';

/** Request-body schemas for Swagger: the commands minus what the path carries. */
export class SendMessageBody extends OmitType(SendMessageCommand, ['conversationId'] as const) {}
export class EditMessageBody extends OmitType(EditMessageCommand, ['messageId'] as const) {}
export class UpdateConversationBody extends OmitType(UpdateConversationCommand, ['conversationId'] as const) {}
export class AddMembersBody extends OmitType(AddMembersCommand, ['conversationId'] as const) {}
export class ChangeRoleBody extends OmitType(ChangeMemberRoleCommand, ['conversationId', 'userId'] as const) {}
export class MuteBody extends OmitType(MuteConversationCommand, ['conversationId'] as const) {}

export class SeqBody {
  @ApiProperty({ example: 42, minimum: 0 })
  seq: number;
}

export class CreateDirectBody {
  @ApiProperty({ format: 'uuid', description: 'The other person' })
  userId: string;
}
