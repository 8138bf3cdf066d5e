/**
 * What a failure of PostgreSQL, Redis or the network means for the caller, whichever layer
 * threw it (pg, TypeORM's QueryFailedError, ioredis, Node's sockets). Nothing here is a bug
 * of ours to answer with 500: a dependency that is down or busy is 503, a row that changed
 * under us is 409, and a value the database refuses is 400.
 */
export type DependencyFailure = 'unavailable' | 'conflict' | 'invalid';

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED']);
const UNAVAILABLE_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Query read timeout|Connection is closed|Command timed out|Stream isn't writeable|max retries per request|Client has encountered a connection error|Client was closed|Connection ended|write after end|Driver not Connected|connection to the server was lost/i;

interface Coded {
  code?: unknown;
  message?: unknown;
  driverError?: unknown;
  errors?: unknown;
  name?: unknown;
}

function sqlState(err: Coded): string | undefined {
  const inner = (err.driverError ?? err) as Coded;
  return typeof inner.code === 'string' && /^[0-9A-Z]{5}$/.test(inner.code) ? inner.code : undefined;
}

export function classifyDependencyError(err: unknown, depth = 0): DependencyFailure | null {
  if (typeof err !== 'object' || err === null || depth > 3) return null;
  const e = err as Coded;
  const state = sqlState(e);
  if (state) {
    if (state === '23505' || state === '23503') return 'conflict';
    if (state.startsWith('22') || state === '23514' || state === '23502') return 'invalid';
    // Serialization and deadlock (after retries), lock and statement timeouts, shutdown,
    // resources, connection exceptions.
    if (/^(40|55P03|57|53|08)/.test(state)) return 'unavailable';
    return null;
  }
  const inner = (e.driverError ?? null);
  if (inner && inner !== e) {
    const found = classifyDependencyError(inner, depth + 1);
    if (found) return found;
  }
  if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return 'unavailable';
  if (e.name === 'MaxRetriesPerRequestError') return 'unavailable';
  if (typeof e.message === 'string' && UNAVAILABLE_MESSAGES.test(e.message)) return 'unavailable';
  if (Array.isArray(e.errors) && e.errors.some((x) => classifyDependencyError(x, depth + 1) === 'unavailable')) return 'unavailable';
  return null;
}
