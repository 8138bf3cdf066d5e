import { INestApplication } from '@nestjs/common';
import { AppConfig, ConfigValidationError, loadConfig } from '../../config/config';
import { closeApp } from './shutdown';

/** Shared by both entrypoints (API and worker). */

/** The validated config, or exit 1 with the list of bad keys. */
export function loadConfigOrExit(): AppConfig {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigValidationError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

/** Nest closes everything on SIGTERM/SIGINT; never let that hang past the configured deadline. */
export function armShutdownDeadline(config: AppConfig): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      setTimeout(() => {
        process.stderr.write(`Shutdown took longer than ${config.shutdownTimeoutMs} ms; exiting\n`);
        process.exit(1);
      }, config.shutdownTimeoutMs).unref();
    });
  }
}

/** Last resort for a failed start: the reason on stderr, exit 1. */
export function exitOnStartFailure(what: string): (err: unknown) => never {
  return (err) => {
    process.stderr.write(`${what} failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  };
}

/** SIGTERM/SIGINT: drain, then close the API app, then exit (0, or 1 if closing failed). */
export function closeOnSignals(app: INestApplication): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      closeApp(app, signal).then(
        () => process.exit(0),
        (err: unknown) => {
          process.stderr.write(`Shutdown failed: ${err instanceof Error ? err.message : String(err)}\n`);
          process.exit(1);
        },
      );
    });
  }
}
