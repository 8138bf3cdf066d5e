import { AppError } from './app-error';

/** For unit tests: the AppError a promise rejects with (anything else, or success, fails the test). */
export async function appErrorOf(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected an AppError');
}
