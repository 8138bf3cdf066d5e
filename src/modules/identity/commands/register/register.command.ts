import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsString, Length, Matches, MaxLength } from 'class-validator';
import { AppCommand, RequestMeta } from '../../../../common/cqrs/app-command';
import { IsOptionalDefined, Trim, TrimLowercase } from '../../../../common/cqrs/transforms';
import { AuthResultView } from '../../domain/user.views';

export const USERNAME_PATTERN = /^[a-z0-9_.]+$/;

export class RegisterCommand extends AppCommand<AuthResultView, { meta?: RequestMeta }> {
  @ApiProperty({ example: 'ada.l', description: '3–32 of [a-z0-9_.]; lowercased before validation' })
  @TrimLowercase()
  @IsString()
  @Length(3, 32)
  @Matches(USERNAME_PATTERN, { message: 'username may only contain a-z, 0-9, "_" and "."' })
  username: string;

  @ApiProperty({ example: 'ada@example.com' })
  @Trim()
  @IsString()
  @MaxLength(254)
  @IsEmail({}, { message: 'email must be an email address' })
  email: string;

  @ApiProperty({ example: 'correct horse battery staple', minLength: 8, maxLength: 128 })
  @IsString()
  @Length(8, 128)
  password: string;

  @ApiPropertyOptional({ example: 'Ada Lovelace', description: '1–64 characters; defaults to the username' })
  @IsOptionalDefined()
  @Trim()
  @IsString()
  @Length(1, 64)
  displayName?: string;

  meta?: RequestMeta;
}
