import { Inject, Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { AccessTokenService } from '../../../common/auth/access-token.service';
import { RequestMeta } from '../../../common/cqrs/app-command';
import { APP_CONFIG, AppConfig } from '../../../config/config';
import { Tx } from '../../../database/db';
import { SessionsRepository } from '../repositories/sessions.repository';
import { newRefreshToken } from './refresh-token';
import { TokenPairView } from './user.views';

/** Starts a session (refresh-token family) and issues its first token pair, or rotates within one. */
@Injectable()
export class SessionIssuer {
  constructor(
    private readonly accessTokens: AccessTokenService,
    private readonly sessions: SessionsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async start(tx: Tx, userId: string, meta: RequestMeta | undefined): Promise<TokenPairView> {
    const sessionId = uuidv7();
    await this.sessions.insertSession({ id: sessionId, userId, userAgent: meta?.userAgent?.slice(0, 512) ?? null, ip: meta?.ip ?? null }, tx);
    return this.issue(tx, userId, sessionId);
  }

  async issue(tx: Tx, userId: string, sessionId: string): Promise<TokenPairView> {
    const refresh = newRefreshToken();
    await this.sessions.insertRefreshToken({ id: refresh.id, sessionId, hash: refresh.hash, expiresAt: new Date(Date.now() + this.config.auth.refreshTtlSeconds * 1000) }, tx);
    return {
      accessToken: this.accessTokens.sign({ userId, sessionId }),
      refreshToken: refresh.token,
      expiresIn: this.accessTokens.ttlSeconds,
    };
  }
}
