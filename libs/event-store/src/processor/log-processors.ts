import type { ProcessorStatus } from './log-processor';

/** The log processors of one process, for `/health` and `/metrics`: one place to see every follower of the log. */
export class LogProcessors {
  private readonly processors = new Set<{ readonly status: ProcessorStatus }>();

  add(processor: { readonly status: ProcessorStatus }): void {
    this.processors.add(processor);
  }

  get statuses(): ProcessorStatus[] {
    return [...this.processors].map((processor) => processor.status);
  }
}
