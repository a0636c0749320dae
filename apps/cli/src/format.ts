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
