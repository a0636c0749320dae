import type { Zone } from 'luxon';
import { DAY_MS, MINUTE_MS, isoWeekday } from './civil-date';
import type { ParsedWeek } from './weekly-schedule';
import { instantOfWallTime } from './zone-time';

const CHUNK_DAYS = 256;
const CHUNK_MS = CHUNK_DAYS * DAY_MS;

/** The business intervals inside one fixed span of UTC time, with their running totals. */
interface Chunk {
  readonly starts: Float64Array;
  readonly ends: Float64Array;
  /** Business milliseconds inside the chunk before interval i. */
  readonly before: Float64Array;
  readonly total: number;
}

const chunkKey = (instant: number): number => Math.floor(instant / CHUNK_MS);

const firstEndingAfter = (ends: Float64Array, instant: number): number => {
  let low = 0;
  let high = ends.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (ends[middle]! > instant) high = middle;
    else low = middle + 1;
  }
  return low;
};

const lastStartingBefore = (before: Float64Array, businessMs: number): number => {
  let low = 0;
  let high = before.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >>> 1;
    if (before[middle]! < businessMs) low = middle;
    else high = middle - 1;
  }
  return low;
};

const businessMsBefore = (chunk: Chunk, instant: number): number => {
  const index = firstEndingAfter(chunk.ends, instant);
  if (index === chunk.ends.length) return chunk.total;
  return chunk.before[index]! + Math.max(0, instant - chunk.starts[index]!);
};

/**
 * Business time as sorted, disjoint intervals of epoch milliseconds, built lazily in chunks of 256 days
 * of UTC time with per-interval prefix sums: a query costs a map lookup and a binary search per chunk,
 * whatever the allowance.
 */
export class BusinessTimeIndex {
  private readonly chunks = new Map<number, Chunk>();

  constructor(
    private readonly zone: Zone,
    private readonly week: ParsedWeek,
    private readonly isHoliday: (day: number) => boolean,
  ) {}

  isOpen(instant: number): boolean {
    const chunk = this.chunkAt(chunkKey(instant));
    const index = firstEndingAfter(chunk.ends, instant);
    return index < chunk.starts.length && chunk.starts[index]! <= instant;
  }

  /** The first open instant at or after `instant`, or `undefined` when there is none up to `limit`. */
  nextOpening(instant: number, limit: number): number | undefined {
    let key = chunkKey(instant);
    const chunk = this.chunkAt(key);
    const index = firstEndingAfter(chunk.ends, instant);
    let opening = index < chunk.starts.length ? Math.max(chunk.starts[index]!, instant) : undefined;
    while (opening === undefined && (key + 1) * CHUNK_MS <= limit) opening = this.chunkAt(++key).starts[0];
    return opening !== undefined && opening <= limit ? opening : undefined;
  }

  businessMsBetween(from: number, to: number): number {
    const firstKey = chunkKey(from);
    const lastKey = chunkKey(to);
    const first = this.chunkAt(firstKey);
    if (firstKey === lastKey) return businessMsBefore(first, to) - businessMsBefore(first, from);
    let total = first.total - businessMsBefore(first, from);
    for (let key = firstKey + 1; key < lastKey; key++) total += this.chunkAt(key).total;
    return total + businessMsBefore(this.chunkAt(lastKey), to);
  }

  /** The earliest instant at which `businessMs` (> 0) have elapsed since `start`, or `undefined` past `limit`. */
  instantAfter(start: number, businessMs: number, limit: number): number | undefined {
    let key = chunkKey(start);
    let chunk = this.chunkAt(key);
    let target = businessMsBefore(chunk, start) + businessMs;
    while (target > chunk.total) {
      target -= chunk.total;
      if (++key * CHUNK_MS > limit) return undefined;
      chunk = this.chunkAt(key);
    }
    const index = lastStartingBefore(chunk.before, target);
    const instant = chunk.starts[index]! + (target - chunk.before[index]!);
    return instant <= limit ? instant : undefined;
  }

  /** The maximal business intervals consumed by `businessMs` from `start`; the caller bounds the walk. */
  consumedIntervals(start: number, businessMs: number): readonly (readonly [number, number])[] {
    const consumed: [number, number][] = [];
    let key = chunkKey(start);
    let chunk = this.chunkAt(key);
    let index = firstEndingAfter(chunk.ends, start);
    let remaining = businessMs;
    while (remaining > 0) {
      if (index === chunk.starts.length) {
        chunk = this.chunkAt(++key);
        index = 0;
        continue;
      }
      const from = Math.max(chunk.starts[index]!, start);
      const to = Math.min(chunk.ends[index]!, from + remaining);
      remaining -= to - from;
      const last = consumed[consumed.length - 1];
      if (last && last[1] === from) last[1] = to;
      else consumed.push([from, to]);
      index++;
    }
    return consumed;
  }

  private chunkAt(key: number): Chunk {
    let chunk = this.chunks.get(key);
    if (!chunk) {
      chunk = this.buildChunk(key);
      this.chunks.set(key, chunk);
    }
    return chunk;
  }

  private dayIntervals(day: number, dayStart: number, dayEnd: number, isRegularDay: boolean): [number, number][] {
    const instantOf = (minute: number): number =>
      isRegularDay ? dayStart + minute * MINUTE_MS : instantOfWallTime(this.zone, day * DAY_MS + minute * MINUTE_MS);
    // Wall-clock intervals may overlap or invert around a DST gap; clipping to the day keeps days disjoint.
    return (this.week[isoWeekday(day)] ?? [])
      .map(([opening, closing]): [number, number] => [
        Math.max(instantOf(opening), dayStart),
        Math.min(instantOf(closing), dayEnd),
      ])
      .filter(([from, to]) => from < to)
      .sort((a, b) => a[0] - b[0]);
  }

  private buildChunk(key: number): Chunk {
    const chunkStart = key * CHUNK_MS;
    const chunkEnd = chunkStart + CHUNK_MS;
    const starts: number[] = [];
    const ends: number[] = [];
    // Local days reach at most 14 hours either side of their UTC day: one day of margin covers them.
    const lastDay = (key + 1) * CHUNK_DAYS;
    let day = key * CHUNK_DAYS - 1;
    let dayStart = instantOfWallTime(this.zone, day * DAY_MS);
    let offsetAtDayStart = this.zone.offset(dayStart);
    for (; day <= lastDay; day++) {
      // A day that starts at a real midnight and ends with the same offset is 24 hours of one offset.
      const offsetAtNextDay = this.zone.offset(dayStart + DAY_MS);
      const isRegularDay =
        dayStart + offsetAtDayStart * MINUTE_MS === day * DAY_MS && offsetAtNextDay === offsetAtDayStart;
      const dayEnd = isRegularDay ? dayStart + DAY_MS : instantOfWallTime(this.zone, (day + 1) * DAY_MS);
      if (dayEnd > chunkStart && dayStart < chunkEnd && !this.isHoliday(day)) {
        for (const [from, to] of this.dayIntervals(day, dayStart, dayEnd, isRegularDay)) {
          const [start, end] = [Math.max(from, chunkStart), Math.min(to, chunkEnd)];
          if (start >= end) continue;
          const last = ends.length - 1;
          if (last >= 0 && start <= ends[last]!) ends[last] = Math.max(ends[last]!, end);
          else {
            starts.push(start);
            ends.push(end);
          }
        }
      }
      dayStart = dayEnd;
      offsetAtDayStart = isRegularDay ? offsetAtNextDay : this.zone.offset(dayEnd);
    }
    const before = new Float64Array(starts.length);
    let total = 0;
    starts.forEach((start, index) => {
      before[index] = total;
      total += ends[index]! - start;
    });
    return { starts: Float64Array.from(starts), ends: Float64Array.from(ends), before, total };
  }
}
