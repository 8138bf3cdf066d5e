import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { BanUserHandler } from './commands/ban-user/ban-user.handler';
import { UnbanUserHandler } from './commands/unban-user/unban-user.handler';
import { AdminController } from './http/admin.controller';

@Module({
  imports: [CqrsModule],
  controllers: [AdminController],
  providers: [BanUserHandler, UnbanUserHandler],
})
export class AdminModule {}
