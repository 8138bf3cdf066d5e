import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import argon2 from 'argon2';
import { AppError, ErrorCode } from '../../../common/errors/app-error';
import { APP_CONFIG, AppConfig } from '../../../config/config';
import { Bulkhead } from '../../../common/concurrency/bulkhead';

/**
 * argon2id with the parameters from config (OWASP's 19 MiB, 2 iterations, 1 lane by default).
 * At most PASSWORD_HASH_CONCURRENCY hashes run at once (by default half the cores) and
 * PASSWORD_HASH_QUEUE wait; beyond that a sign-in is refused with 503 rather than queued without
 * bound, so a flood of logins (from however many addresses) cannot take every core.
 */
@Injectable()
export class PasswordHasher implements OnModuleInit {
  private dummyHash = '';
  private readonly bulkhead: Bulkhead;
  private readonly options: { type: typeof argon2.argon2id; memoryCost: number; timeCost: number; parallelism: number };

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    const { memoryKib, iterations, parallelism } = config.auth.passwordHash;
    this.options = { type: argon2.argon2id, memoryCost: memoryKib, timeCost: iterations, parallelism };
    this.bulkhead = new Bulkhead({
      concurrency: () => config.auth.passwordHash.concurrency,
      queue: () => config.auth.passwordHash.queue,
      busy: () => new AppError(ErrorCode.UNAVAILABLE, 'Too many sign-ins at once; try again in a moment', undefined, 1000),
    });
  }

  async onModuleInit(): Promise<void> {
    // Verified against when the login names no user, so both failures cost the same.
    this.dummyHash = await argon2.hash('parley-dummy-password-for-timing', this.options);
  }

  hash(password: string): Promise<string> {
    return this.limited(() => argon2.hash(password, this.options));
  }

  async verify(hash: string | null, password: string): Promise<boolean> {
    return this.limited(async () => {
      try {
        const ok = await argon2.verify(hash ?? this.dummyHash, password);
        return hash !== null && ok;
      } catch {
        return false;
      }
    });
  }

  /** Whether a stored hash was made with other parameters than the configured ones (rehash it at login). */
  needsRehash(hash: string): boolean {
    try {
      return argon2.needsRehash(hash, { memoryCost: this.options.memoryCost, timeCost: this.options.timeCost, parallelism: this.options.parallelism });
    } catch {
      return true;
    }
  }

  private limited<T>(work: () => Promise<T>): Promise<T> {
    return this.bulkhead.run(work);
  }

}
