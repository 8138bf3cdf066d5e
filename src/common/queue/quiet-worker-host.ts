import { OnWorkerEvent, WorkerHost } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';

/**
 * A BullMQ processor whose connection errors are left to the DependencyMonitor (one line per
 * outage): without an 'error' listener BullMQ prints a stack trace for every reconnect attempt.
 */
export abstract class QuietWorkerHost extends WorkerHost {
  @OnWorkerEvent('error')
  onConnectionError(): void {
    // Reported once per outage by the DependencyMonitor.
  }
}

/** The same for a queue a process only adds jobs to. */
export function quietQueue(queue: Queue): Queue {
  queue.on('error', () => undefined);
  return queue;
}

/**
 * Registers (or updates) a job that repeats every `everyMs` on `queue`; idempotent, so every
 * worker may do it at start and one scheduler results. The queue's connection errors are left
 * to the DependencyMonitor.
 */
export async function scheduleEvery(queue: Queue, schedulerId: string, everyMs: number, jobName: string): Promise<void> {
  quietQueue(queue);
  await queue.upsertJobScheduler(schedulerId, { every: everyMs }, { name: jobName, opts: { removeOnComplete: true, removeOnFail: 100 } });
}
