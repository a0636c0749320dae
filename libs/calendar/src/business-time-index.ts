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
    let chunk = this.chunkAt(key);
    const index = firstEndingAfter(chunk.ends, instant);
    if (index < chunk.starts.length) return Math.max(chunk.starts[index]!, instant);
    while ((key + 1) * CHUNK_MS <= limit) {
      chunk = this.chunkAt(++key);
      const opening = chunk.starts[0];
      if (opening !== undefined) return opening <= limit ? opening : undefined;
    }
    return undefined;
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

  private midnight(day: number): number {
    return instantOfWallTime(this.zone, day * DAY_MS);
  }

  private dayIntervals(day: number, dayStart: number, dayEnd: number): (readonly [number, number])[] {
    const isRegularDay = dayEnd - dayStart === DAY_MS && this.zone.offset(dayStart) === this.zone.offset(dayEnd - 1);
    const instantOf = (minute: number): number =>
      isRegularDay ? dayStart + minute * MINUTE_MS : instantOfWallTime(this.zone, day * DAY_MS + minute * MINUTE_MS);
    // Wall-clock intervals may overlap or invert around a DST gap; clipping to the day keeps days disjoint.
    return (this.week[isoWeekday(day)] ?? [])
      .map(
        ([opening, closing]) => [Math.max(instantOf(opening), dayStart), Math.min(instantOf(closing), dayEnd)] as const,
      )
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
    let dayStart = this.midnight(day);
    for (; day <= lastDay; day++) {
      const dayEnd = this.midnight(day + 1);
      if (dayEnd > chunkStart && dayStart < chunkEnd && !this.isHoliday(day)) {
        for (const [from, to] of this.dayIntervals(day, dayStart, dayEnd)) {
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
