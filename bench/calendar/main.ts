import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { benchmarkReport, printReport, type Target } from '../report';
import { ALLOWANCES, PAIR_COUNT, TIME_ZONE, drawPairs } from './workload';

const OURS = 'business-calendar';
const FLOOR = 'luxon-plus';
const PEERS = ['moment-business-time', 'dayjs-business-time'] as const;
const PEER_BUDGET_SECONDS = 8;
const EXAMPLES_KEPT = 3;
const MEMORY_TARGET_MB = 5;
const POLICY_ALLOWANCES = new Set<number>([240, 630, 1260]);

interface Timing {
  readonly allowance: number;
  readonly operations: number;
  readonly seconds: number;
}

interface PeerRun {
  readonly name: string;
  readonly firstPass: { readonly operations: number; readonly seconds: number };
  readonly timings: readonly Timing[];
  readonly results: readonly (number | null)[];
}

const round = (value: number, digits = 2): number => Number(value.toFixed(digits));

// Each implementation runs in its own process: the peers keep their hours and holidays in global state.
const runChild = <T>(script: string, args: readonly string[], nodeOptions: readonly string[] = []): T => {
  const child = spawnSync(process.execPath, [...nodeOptions, '--import', 'tsx', join(__dirname, script), ...args], {
    env: { ...process.env, TZ: TIME_ZONE },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (child.status !== 0) throw new Error(`${script} ${args.join(' ')} failed: ${child.stderr}`);
  return JSON.parse(child.stdout) as T;
};

const runImplementation = (name: string, budgetSeconds: number): PeerRun =>
  runChild<PeerRun>('peer.ts', [name, String(PAIR_COUNT), String(budgetSeconds)]);

const opsPerSecond = (timings: readonly Timing[], allowance?: number) => {
  const counted = timings.filter((timing) => allowance === undefined || timing.allowance === allowance);
  const operations = counted.reduce((sum, timing) => sum + timing.operations, 0);
  return operations / counted.reduce((sum, timing) => sum + timing.seconds, 0);
};

const speedByAllowance = (run: PeerRun) => ({
  firstPassOpsPerSecond: round(run.firstPass.operations / run.firstPass.seconds),
  operations: run.timings.reduce((sum, timing) => sum + timing.operations, 0),
  opsPerSecond: Object.fromEntries([
    ['all', round(opsPerSecond(run.timings))],
    ...ALLOWANCES.map((allowance) => [allowance, round(opsPerSecond(run.timings, allowance))]),
  ]),
});

const inToronto = (epochMs: number): string => DateTime.fromMillis(epochMs, { zone: TIME_ZONE }).toISO() ?? '';

const disagreements = (ours: PeerRun, peer: PeerRun) => {
  const pairs = drawPairs();
  const differing = peer.results.flatMap((result, index) =>
    result !== null && result !== ours.results[index] ? [index] : [],
  );
  return {
    compared: peer.results.filter((result) => result !== null).length,
    count: differing.length,
    examples: differing.slice(0, EXAMPLES_KEPT).map((index) => ({
      start: inToronto(pairs[index]!.startMs),
      minutes: pairs[index]!.minutes,
      ours: inToronto(ours.results[index]!),
      peer: inToronto(peer.results[index]!),
    })),
  };
};

const main = (): void => {
  const ours = runImplementation(OURS, Number.POSITIVE_INFINITY);
  const floor = runImplementation(FLOOR, Number.POSITIVE_INFINITY);
  const peers = PEERS.map((name) => runImplementation(name, PEER_BUDGET_SECONDS));
  const memory = runChild<{ bytes: number; indexBuildMs: number }>('memory.ts', [], ['--expose-gc']);

  const costVsLuxonPlus = Object.fromEntries([
    ['all', round(opsPerSecond(floor.timings) / opsPerSecond(ours.timings))],
    ...ALLOWANCES.map((allowance) => [
      allowance,
      round(opsPerSecond(floor.timings, allowance) / opsPerSecond(ours.timings, allowance)),
    ]),
  ]);
  const speedUpVsFastestPeer = Object.fromEntries(
    ALLOWANCES.map((allowance) => {
      const fastestPeer = Math.max(...peers.map((peer) => opsPerSecond(peer.timings, allowance)));
      return [allowance, round(opsPerSecond(ours.timings, allowance) / fastestPeer, 1)];
    }),
  );
  const memoryMb = memory.bytes / (1024 * 1024);

  const targets: Target[] = [
    {
      metric: 'cost per operation vs plain luxon plus, all allowances (×)',
      value: costVsLuxonPlus.all,
      op: '<=',
      target: 3,
    },
    ...ALLOWANCES.map((allowance): Target => ({
      metric: `speed-up vs fastest peer, ${allowance} minutes (×)`,
      value: speedUpVsFastestPeer[allowance] as number,
      op: '>=',
      target: POLICY_ALLOWANCES.has(allowance) ? 10 : 100,
    })),
    { metric: 'index memory for 1970–2100 (MB)', value: round(memoryMb, 3), op: '<=', target: MEMORY_TARGET_MB },
  ];

  printReport(
    benchmarkReport(
      'calendar',
      {
        pairs: PAIR_COUNT,
        timeZone: TIME_ZONE,
        allowances: ALLOWANCES,
        peerBudgetSecondsPerPass: PEER_BUDGET_SECONDS,
        implementations: Object.fromEntries([
          [OURS, speedByAllowance(ours)],
          [FLOOR, speedByAllowance(floor)],
          ...peers.map((peer) => [peer.name, { ...speedByAllowance(peer), disagreements: disagreements(ours, peer) }]),
        ]),
        costVsLuxonPlus,
        speedUpVsFastestPeer,
        memory: {
          bytes: memory.bytes,
          megabytes: round(memoryMb, 3),
          indexBuildMs: round(memory.indexBuildMs, 1),
          measures:
            'JS heap plus typed-array bytes retained by one Quebec calendar after its index covers 1970–2100 and a result was built on every day',
        },
      },
      targets,
    ),
  );
};

main();
