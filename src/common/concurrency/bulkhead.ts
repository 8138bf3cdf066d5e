/**
 * At most `concurrency` runs at once; `queue` more wait (each for at most `maxWaitMs`, when
 * set); beyond that, or past the wait, `busy()` is thrown at once: a burst costs the callers
 * beyond the bound a quick refusal, never the process its CPU or its database connections.
 */
export class Bulkhead {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly options: { concurrency: () => number; queue: () => number; maxWaitMs?: number; busy: () => Error }) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.options.concurrency()) {
      if (this.waiting.length >= this.options.queue()) throw this.options.busy();
      await new Promise<void>((resolve, reject) => {
        const wake = () => {
          clearTimeout(timer);
          resolve();
        };
        const timer =
          this.options.maxWaitMs === undefined
            ? undefined
            : setTimeout(() => {
                this.waiting.splice(this.waiting.indexOf(wake), 1);
                reject(this.options.busy());
              }, this.options.maxWaitMs);
        this.waiting.push(wake);
      });
    } else {
      this.running += 1;
    }
    try {
      return await work();
    } finally {
      // The slot goes straight to the next in line, or back.
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }
}
