import { Zone, type ZoneOffsetFormat, type ZoneOffsetOptions } from 'luxon';
import { DAY_MS } from './civil-date';

const BLOCK_DAYS = 256;
const UNKNOWN = -32_768;
/** Marks a day with more than one transition: its offsets are always asked of the zone. */
const ASK_THE_ZONE = -1;

/** Per UTC day: the offset at its start, and from which millisecond of the day the offset after its transition applies. */
interface OffsetBlock {
  readonly offsetAtStart: Int16Array;
  readonly offsetAfter: Int16Array;
  readonly transitionAt: Int32Array;
}

/**
 * An IANA zone that remembers its offsets per UTC day, so that building a DateTime in it costs no `Intl`
 * call once the day is known (luxon asks `Intl` on every construction, which dominates our arithmetic).
 * It is the same zone to luxon: type `iana`, same name, equal to `IANAZone.create(name)`.
 */
export class RememberedZone extends Zone {
  private readonly blocks = new Map<number, OffsetBlock>();

  constructor(private readonly zone: Zone) {
    super();
  }

  override get type(): string {
    return 'iana';
  }

  override get name(): string {
    return this.zone.name;
  }

  override get isUniversal(): boolean {
    return false;
  }

  override get isValid(): true {
    return true;
  }

  override offsetName(ts: number, options: ZoneOffsetOptions): string {
    return this.zone.offsetName(ts, options) ?? '';
  }

  override formatOffset(ts: number, format: ZoneOffsetFormat): string {
    return this.zone.formatOffset(ts, format);
  }

  override equals(other: Zone): boolean {
    return other.type === 'iana' && other.name === this.name;
  }

  override offset(ts: number): number {
    const day = Math.floor(ts / DAY_MS);
    const blockKey = Math.floor(day / BLOCK_DAYS);
    const block = this.blocks.get(blockKey) ?? this.newBlock(blockKey);
    const index = day - blockKey * BLOCK_DAYS;
    if (block.offsetAtStart[index] === UNKNOWN) this.learnDay(day, block, index);
    const transitionAt = block.transitionAt[index]!;
    if (transitionAt === ASK_THE_ZONE) return this.zone.offset(ts);
    return ts - day * DAY_MS < transitionAt ? block.offsetAtStart[index]! : block.offsetAfter[index]!;
  }

  private newBlock(blockKey: number): OffsetBlock {
    const block = {
      offsetAtStart: new Int16Array(BLOCK_DAYS).fill(UNKNOWN),
      offsetAfter: new Int16Array(BLOCK_DAYS),
      transitionAt: new Int32Array(BLOCK_DAYS),
    };
    this.blocks.set(blockKey, block);
    return block;
  }

  // Zones change offset at most once a day in practice; a day that shows more than one change is left to the zone.
  private learnDay(day: number, block: OffsetBlock, index: number): void {
    const dayStart = day * DAY_MS;
    const offsetAtStart = this.zone.offset(dayStart);
    const offsetAtEnd = this.zone.offset(dayStart + DAY_MS - 1);
    let [before, after] = [dayStart, dayStart + DAY_MS - 1];
    if (offsetAtStart === offsetAtEnd) after = dayStart + DAY_MS;
    else {
      while (after - before > 1) {
        const middle = Math.floor((before + after) / 2);
        if (this.zone.offset(middle) === offsetAtStart) before = middle;
        else after = middle;
      }
    }
    const isSingleTransition = after === dayStart + DAY_MS || this.zone.offset(after) === offsetAtEnd;
    block.offsetAtStart[index] = offsetAtStart;
    block.offsetAfter[index] = offsetAtEnd;
    block.transitionAt[index] = isSingleTransition ? after - dayStart : ASK_THE_ZONE;
  }
}
