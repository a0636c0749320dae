/** Minutes for people: one decimal at most (`90.3`, `130`). */
export const formatMinutes = (minutes: number): string => String(Number(minutes.toFixed(1)));

/** A duration in minutes for people: `1h 30m`, `45m`, `2d 3h 10m` (a day being 24 hours). */
export const formatDuration = (minutes: number): string => {
  const total = Math.round(Math.abs(minutes));
  const parts = [
    [Math.floor(total / 1440), 'd'],
    [Math.floor((total % 1440) / 60), 'h'],
    [total % 60, 'm'],
  ] as const;
  const shown = parts.filter(([value], index) => value > 0 || index === parts.length - 1);
  return `${minutes < 0 ? '-' : ''}${shown.map(([value, unit]) => `${value}${unit}`).join(' ')}`;
};

/** An elapsed time measured in milliseconds: `850 ms`, `12.4 s`, `2m 05s`. */
export const formatElapsed = (ms: number): string => {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)}m ${String(seconds % 60).padStart(2, '0')}s`;
};

/** A ratio as a percentage for people: `66.7 %`; `—` when there is none. */
export const formatRate = (rate: number | null): string => (rate === null ? '—' : `${(rate * 100).toFixed(1)} %`);

const BAR_WIDTH = 30;

/** `[#######.......]  25% 250/1000 <unit>`: how far a long command has gone. */
export const progressBar = (done: number, total: number, unit: string): string => {
  const ratio = total === 0 ? 1 : Math.min(1, done / total);
  const filled = Math.round(ratio * BAR_WIDTH);
  return `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${(ratio * 100).toFixed(0).padStart(3)}% ${done}/${total} ${unit}`;
};

/**
 * Reports progress on stderr: a bar redrawn in place on a terminal, otherwise one line at each tenth, so that a log
 * file gets a few lines and not thousands.
 */
export const progressReporter = (total: number, unit: string, stream: NodeJS.WriteStream = process.stderr) => {
  const isTty = stream.isTTY === true;
  let shownTenth = -1;
  return {
    update(done: number): void {
      const tenth = Math.floor((done / Math.max(1, total)) * 10);
      if (isTty) stream.write(`\r${progressBar(done, total, unit)}`);
      else if (tenth !== shownTenth) stream.write(`${progressBar(done, total, unit)}\n`);
      shownTenth = tenth;
    },
    end(): void {
      if (isTty) stream.write('\n');
    },
  };
};
