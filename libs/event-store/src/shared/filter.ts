import type { AllFilter } from '../port/event-store.port';

export const matchesFilter = (filter: AllFilter | undefined, stream: string, type: string): boolean =>
  (!filter?.streamPrefixes?.length || filter.streamPrefixes.some((prefix) => stream.startsWith(prefix))) &&
  (!filter?.eventTypes?.length || filter.eventTypes.includes(type));
