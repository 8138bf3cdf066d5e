import { Module } from '@nestjs/common';
import { MessagingContactsModule } from '../messaging';
import { PresenceController } from './http/presence.controller';
import { PresenceAnnouncer } from './presence-announcer';
import { PresenceService } from './presence.service';
import { GetPresenceHandler } from './queries/get-presence/get-presence.handler';

/**
 * Who is online, kept in Redis (no table of its own), told to each user's contacts. The
 * connection gateway reports sockets coming and going through what this module exports.
 */
@Module({
  imports: [MessagingContactsModule],
  controllers: [PresenceController],
  providers: [PresenceService, PresenceAnnouncer, GetPresenceHandler],
  exports: [PresenceService, PresenceAnnouncer],
})
export class PresenceModule {}
