import type { Instant } from '@app/clock';
import type { CommandMetadata } from '@app/kernel';

export const NOW: Instant = '2026-11-30T15:00:00.000Z';

let sequence = 0;

/** Command metadata; each call gets a new command id unless one is given. */
export const metadata = (overrides: Partial<CommandMetadata> & { role?: string } = {}): CommandMetadata => {
  sequence += 1;
  const { role = 'agent', ...rest } = overrides;
  return {
    now: NOW,
    commandId: `command-${sequence}`,
    correlationId: `correlation-${sequence}`,
    actor: { id: `${role}-1`, role },
    ...rest,
  };
};

/** A UTC instant from a wall-clock time in America/Toronto written with its offset, e.g. `2026-11-30T10:00-05:00`. */
export const at = (local: string): Instant => new Date(local).toISOString();
