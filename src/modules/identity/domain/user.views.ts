import { ApiProperty } from '@nestjs/swagger';
import { GroupInvites, UserRecord, UserRole } from '../repositories/users.repository';

export class PublicUserView {
  @ApiProperty({ format: 'uuid', example: '019a9f4e-7c1d-7a3e-9c61-2f0b8d6e4a10' })
  id: string;
  @ApiProperty({ example: 'ada.l' })
  username: string;
  @ApiProperty({ example: 'Ada Lovelace' })
  displayName: string;
  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

export class PrivateUserView extends PublicUserView {
  @ApiProperty({ example: 'ada@example.com' })
  email: string;
  @ApiProperty({ example: 'Europe/London', description: 'IANA time zone' })
  timezone: string;
  @ApiProperty({ enum: ['user', 'admin'] })
  role: UserRole;
  @ApiProperty({ enum: ['everyone', 'contacts'], description: 'Who may add you to a group: anyone, or only people you share a direct conversation with' })
  groupInvites: GroupInvites;
}

export function toPublicUser(u: Pick<UserRecord, 'id' | 'username' | 'displayName' | 'createdAt'>): PublicUserView {
  return { id: u.id, username: u.username, displayName: u.displayName, createdAt: u.createdAt.toISOString() };
}

export function toPrivateUser(u: UserRecord): PrivateUserView {
  return { ...toPublicUser(u), email: u.email, timezone: u.timezone, role: u.role, groupInvites: u.groupInvites };
}

export class TokenPairView {
  @ApiProperty({ description: 'JWT, send as `Authorization: Bearer <accessToken>`', example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIwMTlh…' })
  accessToken: string;
  @ApiProperty({
    description: 'Opaque; rotates on every use. Presenting a used one again ends the whole session (401), so send each refresh once.',
    example: '019a9f4e-7c1d-7a3e-9c61-2f0b8d6e4a10.Jx2b7…',
  })
  refreshToken: string;
  @ApiProperty({ example: 900, description: 'Access-token lifetime in seconds' })
  expiresIn: number;
}

export class AuthResultView extends TokenPairView {
  @ApiProperty({ type: PrivateUserView })
  user: PrivateUserView;
}

export class BlockView {
  @ApiProperty({ format: 'uuid' })
  userId: string;
  @ApiProperty({ type: PublicUserView })
  user: PublicUserView;
  @ApiProperty({ format: 'date-time', description: 'When the block was made' })
  createdAt: string;
}

export class PublicUserPage {
  @ApiProperty({ type: [PublicUserView] })
  items: PublicUserView[];
  @ApiProperty({ type: String, nullable: true })
  nextCursor: string | null;
}

export class BlockPage {
  @ApiProperty({ type: [BlockView] })
  items: BlockView[];
  @ApiProperty({ type: String, nullable: true })
  nextCursor: string | null;
}
