import type { RecordedEvent } from '../port/event-store.port';
import { DuplicateUpcaster, EventCodec } from './event-codec';
import storedV1 from './fixtures/test-deadline-set.v1.json';
import { TEST_DEADLINE_SET_UPCASTERS } from './fixtures/test-deadline-set.upcasters';

describe('EventCodec', () => {
  const codec = new EventCodec(TEST_DEADLINE_SET_UPCASTERS);
  const stored: RecordedEvent = { ...storedV1, position: 1 };

  it('upgrades an event stored in its first shape one version at a time to the current one', () => {
    expect(codec.upcast(stored)).toEqual({
      ...stored,
      data: {
        ticketId: '6a7d4e0c-3f1b-4d8e-9a51-1c2b3d4e5f60',
        deadline: '2017-12-04T17:00:00.000Z',
        allowanceMinutes: 240,
        policyVersion: '2017-11-23',
      },
      metadata: { ...stored.metadata, schemaVersion: 3 },
    });
  });

  it('starts from the stored version: an event stored at v2 gets only the last step', () => {
    const v2 = { ticketId: 't-1', deadline: '2017-12-04T17:00:00.000Z', allowanceMinutes: 240 };
    const storedV2: RecordedEvent = { ...stored, data: v2, metadata: { ...stored.metadata, schemaVersion: 2 } };

    expect(codec.upcast(storedV2).data).toEqual({ ...v2, policyVersion: '2017-11-23' });
  });

  it('leaves an event already in the current shape as it is', () => {
    const current = { ...stored, metadata: { ...stored.metadata, schemaVersion: 3 } };

    expect(codec.upcast(current)).toBe(current);
  });

  it('writes new events at the current version, 1 for a type without upcasters', () => {
    expect(codec.schemaVersion('TestDeadlineSet')).toBe(3);
    expect(codec.schemaVersion('TestTicketClosed')).toBe(1);
  });

  it('refuses two upcasters from the same version', () => {
    const [first] = TEST_DEADLINE_SET_UPCASTERS;

    expect(() => new EventCodec([first!, first!])).toThrow(DuplicateUpcaster);
  });
});
