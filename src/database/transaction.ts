import { DataSource, EntityManager } from 'typeorm';

/** PostgreSQL states a transaction may simply be run again after: a lost deadlock, a refused serialization. */
export function isRetryableTransactionError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const inner = ((err as { driverError?: unknown }).driverError ?? err) as { code?: unknown };
  return inner.code === '40P01' || inner.code === '40001';
}

/** Runs of a transaction that lost a deadlock or a serialization check before the caller hears of it. */
export const TRANSACTION_ATTEMPTS = 3;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `work` as one transaction, again (up to TRANSACTION_ATTEMPTS in all, after a short
 * random pause) when PostgreSQL chose it as a deadlock victim or refused to serialize it.
 * Every command takes its locks in one order (conversation, then memberships, then
 * messages), so this is a safety net, not the plan. `work` must be safe to run again: it
 * is, since a failed attempt rolled back and published nothing.
 */
export async function inTransaction<T>(dataSource: DataSource, work: (manager: EntityManager) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await dataSource.transaction(work);
    } catch (err) {
      if (attempt >= TRANSACTION_ATTEMPTS || !isRetryableTransactionError(err)) throw err;
      await pause(5 + Math.random() * 20 * attempt);
    }
  }
}

/** The same for a single statement outside a transaction (it is its own transaction). */
export async function withStatementRetry<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await run();
    } catch (err) {
      if (attempt >= TRANSACTION_ATTEMPTS || !isRetryableTransactionError(err)) throw err;
      await pause(5 + Math.random() * 20 * attempt);
    }
  }
}
