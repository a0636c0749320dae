import { type FSWatcher, watch } from 'node:fs';

export interface OtherWritersWatchOptions {
  /** The `-wal` file beside the database, which every commit of every process writes to. */
  readonly walPath: string;
  /** `PRAGMA data_version` of this process's connection: it changes when another connection commits. */
  readonly dataVersion: () => number;
  readonly onChange: () => void;
  readonly minIntervalMs: number;
  readonly maxIntervalMs: number;
}

/**
 * Sees the commits of other processes sharing the file. Where the file system sends change notices, a write to the
 * `-wal` file triggers the check at once. The check also runs on a timer for file systems that send none (network
 * mounts): every `minIntervalMs` after a change, slowing down to `maxIntervalMs` while nothing changes, so that an
 * idle engine wakes once a second rather than twenty times.
 */
export class OtherWritersWatch {
  private timer: NodeJS.Timeout | undefined;
  private watcher: FSWatcher | undefined;
  private intervalMs: number;
  private lastVersion: number;
  private isCheckQueued = false;
  private isStopped = false;

  constructor(private readonly options: OtherWritersWatchOptions) {
    this.intervalMs = options.minIntervalMs;
    this.lastVersion = options.dataVersion();
    this.watchWal();
    this.schedule();
  }

  stop(): void {
    this.isStopped = true;
    clearTimeout(this.timer);
    this.watcher?.close();
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.watchWal();
      this.intervalMs = this.check()
        ? this.options.minIntervalMs
        : Math.min(this.intervalMs * 2, this.options.maxIntervalMs);
      this.schedule();
    }, this.intervalMs);
    this.timer.unref();
  }

  private check(): boolean {
    if (this.isStopped) return false;
    try {
      const version = this.options.dataVersion();
      if (version === this.lastVersion) return false;
      this.lastVersion = version;
    } catch {
      // the subscriptions' own reads meet the failure and report it
    }
    this.options.onChange();
    return true;
  }

  /** Writes come in bursts (frames, then the commit): one check for all the notices of one turn of the event loop. */
  private onWalWritten(): void {
    if (this.isCheckQueued) return;
    this.isCheckQueued = true;
    setImmediate(() => {
      this.isCheckQueued = false;
      if (!this.check()) return;
      this.intervalMs = this.options.minIntervalMs;
      this.schedule();
    });
  }

  /** Without notices (no `-wal` file yet, or a file system that refuses), the timer alone sees the commits. */
  private watchWal(): void {
    if (this.watcher || this.isStopped) return;
    try {
      const watcher = watch(this.options.walPath, { persistent: false }, (change) => {
        if (change === 'rename') this.forgetWatcher(watcher);
        this.onWalWritten();
      });
      watcher.on('error', () => this.forgetWatcher(watcher));
      this.watcher = watcher;
    } catch {
      this.watcher = undefined;
    }
  }

  private forgetWatcher(watcher: FSWatcher): void {
    watcher.close();
    if (this.watcher === watcher) this.watcher = undefined;
  }
}
