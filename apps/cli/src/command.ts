/** One CLI command: what `help` shows of it, and what it does with its arguments (the answer is the exit status). */
export interface CliCommand {
  readonly summary: string;
  readonly usage: string;
  /** `[flag, description]`, as `help <command>` lists them. */
  readonly options: readonly (readonly [string, string])[];
  run(args: readonly string[]): Promise<number>;
}

/** Exit status of a command line that cannot be run as given. */
export const USAGE_ERROR = 2;
