import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { RecordedEvent } from '../port/event-store.port';
import { SqliteEventStore } from '../sqlite/sqlite-event-store';
import { DuplicateUpcaster, EventCodec, type Upcaster, withUpcasting } from './event-codec';
import storedV1 from './fixtures/test-deadline-set.v1.json';

/** v1 `{ ticketId, dueAt, hours }` -> v2 renames to `deadline`, `allowanceMinutes` -> v3 adds `policyVersion`. */
const upcasters: readonly Upcaster[] = [
  {
    type: 'TestDeadlineSet',
    fromVersion: 1,
    upcast: (data) => {
      const { ticketId, dueAt, hours } = data as { ticketId: string; dueAt: string; hours: number };
      return { ticketId, deadline: new Date(dueAt).toISOString(), allowanceMinutes: hours * 60 };
    },
  },
  {
    type: 'TestDeadlineSet',
    fromVersion: 2,
    upcast: (data) => ({ ...(data as object), policyVersion: '2017-11-23' }),
  },
];

describe('EventCodec, reading an event stored in its first shape', () => {
  const directory = join(tmpdir(), `event-codec-${randomUUID()}`);
  const path = join(directory, 'events.db');

  beforeAll(async () => {
    await SqliteEventStore.open(path).close();
    const db = new Database(path);
    db.prepare('INSERT INTO events (stream, revision, id, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)').run(
      storedV1.stream,
      storedV1.revision,
      storedV1.id,
      storedV1.type,
      JSON.stringify(storedV1.data),
      JSON.stringify(storedV1.metadata),
    );
    db.close();
  });

  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  const storedBytes = (): unknown => {
    const db = new Database(path, { readonly: true });
    try {
      return db.prepare('SELECT data, metadata FROM events WHERE id = ?').get(storedV1.id);
    } finally {
      db.close();
    }
  };

  it('upgrades it to the current shape on every read path, leaving the stored bytes as they were', async () => {
    const before = storedBytes();
    const store = withUpcasting(SqliteEventStore.open(path), new EventCodec(upcasters));
    const expected = {
      ...storedV1,
      position: 1,
      data: {
        ticketId: '6a7d4e0c-3f1b-4d8e-9a51-1c2b3d4e5f60',
        deadline: '2017-12-04T17:00:00.000Z',
        allowanceMinutes: 240,
        policyVersion: '2017-11-23',
      },
      metadata: { ...storedV1.metadata, schemaVersion: 3 },
    };
    try {
      const fromStream: RecordedEvent[] = [];
      for await (const event of store.readStream(storedV1.stream)) fromStream.push(event);
      const fromAll: RecordedEvent[] = [];
      for await (const event of store.readAll()) fromAll.push(event);
      const delivered = await new Promise<RecordedEvent>((resolve) => {
        const subscription = store.subscribeToAll({}, async (event) => {
          resolve(event);
          void subscription.stop();
        });
      });

      expect(fromStream).toEqual([expected]);
      expect(fromAll).toEqual([expected]);
      expect(delivered).toEqual(expected);
    } finally {
      await store.close();
    }
    expect(storedBytes()).toEqual(before);
    expect(storedBytes()).toEqual({ data: JSON.stringify(storedV1.data), metadata: JSON.stringify(storedV1.metadata) });
  });

  it('leaves an event already in the current shape as it is', () => {
    const codec = new EventCodec(upcasters);
    const current = { ...storedV1, position: 1, metadata: { ...storedV1.metadata, schemaVersion: 3 } };

    expect(codec.upcast(current)).toBe(current);
  });

  it('writes new events at the current version, 1 for a type without upcasters', () => {
    const codec = new EventCodec(upcasters);

    expect(codec.schemaVersion('TestDeadlineSet')).toBe(3);
    expect(codec.schemaVersion('TestTicketClosed')).toBe(1);
  });

  it('refuses two upcasters from the same version', () => {
    expect(() => new EventCodec([upcasters[0]!, upcasters[0]!])).toThrow(DuplicateUpcaster);
  });
});
