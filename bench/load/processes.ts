import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, openSync, readSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

export const ROOT = join(__dirname, '..', '..');
const CLOCK_TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A process the benchmark started, its output in a file, measured through /proc. */
export class Process {
  private readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private logOffset = 0;
  private logTail = '';
  private partialLine = '';

  private constructor(
    private readonly child: ChildProcess,
    readonly name: string,
    readonly logFile: string,
    /** `performance.now()` when it was spawned. */
    readonly startedAt: number,
  ) {
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve({ code, signal });
      }),
    );
  }

  /** Runs `node <args>` from the repository's root, with only PATH, JSON logs and `env`; output goes to `logFile`. */
  static node(name: string, args: readonly string[], env: Readonly<Record<string, string>>, logFile: string): Process {
    const log = openSync(logFile, 'a');
    const startedAt = performance.now();
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', LOG_FORMAT: 'json', ...env },
      stdio: ['ignore', log, log],
    });
    closeSync(log);
    return new Process(child, name, logFile, startedAt);
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error(`${this.name} did not start`);
    return this.child.pid;
  }

  /** Seconds of CPU (user and system) the process has used so far. */
  async cpuSeconds(): Promise<number> {
    const stat = await readFile(`/proc/${this.pid}/stat`, 'utf8');
    // the command name, in parentheses, may hold spaces: count the fields after it
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  }

  /** Percent of one core used over the next `ms` milliseconds. */
  async cpuPercentOver(ms: number): Promise<number> {
    const before = await this.cpuSeconds();
    const started = performance.now();
    await sleep(ms);
    const after = await this.cpuSeconds();
    return ((after - before) * 100_000) / (performance.now() - started);
  }

  async rssMegabytes(): Promise<number> {
    const status = await readFile(`/proc/${this.pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
    if (!match?.[1]) throw new Error(`no VmRSS in /proc/${this.pid}/status`);
    return Math.round(Number(match[1]) / 1024);
  }

  /** Seconds from the spawn until a line of the log matches `pattern`; fails if the process ends first. */
  async waitForLog(pattern: RegExp, timeoutMs: number): Promise<number> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      if (this.readNewLines().some((line) => pattern.test(line))) return (performance.now() - this.startedAt) / 1_000;
      this.assertRunning(`waiting for a log line matching ${pattern}`);
      if (performance.now() > deadline) throw this.failure(`no log line matched ${pattern} within ${timeoutMs} ms`);
      await sleep(20);
    }
  }

  /** Seconds from the spawn until `GET url` answers 200. */
  async waitForOk(url: string, timeoutMs: number): Promise<number> {
    const deadline = performance.now() + timeoutMs;
    let last = 'no answer';
    for (;;) {
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
        await response.arrayBuffer();
        if (response.status === 200) return (performance.now() - this.startedAt) / 1_000;
        last = `status ${response.status}`;
      } catch (error) {
        last = error instanceof Error ? error.message : String(error);
      }
      this.assertRunning(`waiting for ${url}`);
      if (performance.now() > deadline) throw this.failure(`${url} did not answer 200 within ${timeoutMs} ms: ${last}`);
      await sleep(20);
    }
  }

  /** SIGTERM, then SIGKILL to this process alone if it has not ended after `graceMs`. */
  async stop(graceMs = 20_000): Promise<void> {
    if (this.exit) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  assertRunning(doing: string): void {
    if (this.exit) {
      throw this.failure(`${this.name} ended (code ${this.exit.code}, signal ${this.exit.signal}) while ${doing}`);
    }
  }

  private failure(message: string): Error {
    this.readNewLines();
    return new Error(`${message}; its log is ${this.logFile}, ending:\n${this.logTail.slice(-4_000)}`);
  }

  /** Reads only what the log gained since the last call: a start-up log may be long. */
  private readNewLines(): string[] {
    const file = openSync(this.logFile, 'r');
    const chunks: Buffer[] = [];
    try {
      const buffer = Buffer.alloc(1 << 20);
      for (;;) {
        const read = readSync(file, buffer, 0, buffer.length, this.logOffset);
        if (read === 0) break;
        this.logOffset += read;
        chunks.push(Buffer.from(buffer.subarray(0, read)));
      }
    } finally {
      closeSync(file);
    }
    const text = Buffer.concat(chunks).toString('utf8');
    this.logTail = (this.logTail + text).slice(-8_000);
    const lines = (this.partialLine + text).split('\n');
    this.partialLine = lines.pop() ?? '';
    return lines;
  }
}
