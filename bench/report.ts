import { cpus } from 'node:os';

export interface Target {
  readonly metric: string;
  readonly value: number;
  readonly op: '>=' | '<=';
  readonly target: number;
}

export interface BenchmarkReport {
  readonly benchmark: string;
  readonly machine: { readonly cpu: string; readonly cores: number; readonly node: string };
  readonly results: Readonly<Record<string, unknown>>;
  readonly targets: readonly (Target & { readonly met: boolean })[];
}

const isMet = ({ value, op, target }: Target): boolean => (op === '>=' ? value >= target : value <= target);

/** Builds the one JSON object every benchmark prints. */
export const benchmarkReport = (
  benchmark: string,
  results: Readonly<Record<string, unknown>>,
  targets: readonly Target[],
): BenchmarkReport => ({
  benchmark,
  machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version },
  results,
  targets: targets.map((target) => ({ ...target, met: isMet(target) })),
});

export const printReport = (report: BenchmarkReport): void => {
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
};
