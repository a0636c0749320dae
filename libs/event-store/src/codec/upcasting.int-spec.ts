import type { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { handleCommand } from '../command/handle-command';
import { describeEventStoreConformance } from '../conformance/event-store.conformance';
import { EventStoreModule } from '../nest/event-store.module';
import { openEventStore } from '../nest/open-event-store';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '../port/event-store.port';
import { SqliteEventStore } from '../sqlite/sqlite-event-store';
import { TEST_DEADLINE_SET_UPCASTERS, type TestDeadlineSet } from './fixtures/test-deadline-set.upcasters';
import storedV1 from './fixtures/test-deadline-set.v1.json';

interface DeadlineState {
  readonly deadline: string | null;
  readonly allowanceMinutes: number;
  readonly policyVersion: string | null;
}

class NoDeadline {
  readonly code = 'no-deadline';
}

type DeadlineEvent = { readonly type: 'TestDeadlineSet'; readonly data: TestDeadlineSet };

/** Extends the deadline and the allowance by `minutes`: it can only do so from the current shape of the stream. */
const extendBy = (minutes: number): Parameters<typeof handleCommand<DeadlineState, DeadlineEvent, NoDeadline>>[2] => ({
  initialState: { deadline: null, allowanceMinutes: 0, policyVersion: null },
  evolve: (_state, { data }) => ({
    deadline: data.deadline,
    allowanceMinutes: data.allowanceMinutes,
    policyVersion: data.policyVersion,
  }),
  decide: ({ deadline, allowanceMinutes, policyVersion }) =>
    deadline === null || policyVersion === null
      ? new NoDeadline()
      : [
          {
            type: 'TestDeadlineSet',
            data: {
              ticketId: storedV1.data.ticketId,
              deadline: new Date(Date.parse(deadline) + minutes * 60_000).toISOString(),
              allowanceMinutes: allowanceMinutes + minutes,
              policyVersion,
            },
          },
        ],
});

const collect = async (events: AsyncIterable<RecordedEvent>): Promise<RecordedEvent[]> => {
  const collected: RecordedEvent[] = [];
  for await (const event of events) collected.push(event);
  return collected;
};

describe('A store opened as the engine opens it, over a SQLite file holding an event in its first shape', () => {
  let directory: string;
  let path: string;
  let app: INestApplicationContext;
  let store: EventStore;

  const storedRows = (): { revision: number; data: string; metadata: string }[] => {
    const db = new Database(path, { readonly: true });
    try {
      return db
        .prepare<[string], { revision: number; data: string; metadata: string }>(
          'SELECT revision, data, metadata FROM events WHERE stream = ? ORDER BY revision',
        )
        .all(storedV1.stream);
    } finally {
      db.close();
    }
  };

  const asStoredByAnOlderVersion = {
    revision: 0,
    data: JSON.stringify(storedV1.data),
    metadata: JSON.stringify(storedV1.metadata),
  };

  beforeEach(async () => {
    directory = join(tmpdir(), `upcasting-${randomUUID()}`);
    mkdirSync(directory);
    path = join(directory, 'events.db');
    const adapter = SqliteEventStore.open(path);
    const { id, type, data, metadata } = storedV1;
    await adapter.append(storedV1.stream, [{ id, type, data, metadata }], { expectedRevision: 'no-stream' });
    await adapter.close();
    app = await Test.createTestingModule({
      imports: [EventStoreModule.forRoot(`sqlite:${path}`, TEST_DEADLINE_SET_UPCASTERS)],
    }).compile();
    store = app.get<EventStore>(EVENT_STORE);
  });

  afterEach(async () => {
    await app.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('yields it in the current shape at the current schema version from readStream, readAll and subscribeToAll, leaving the stored row as it was', async () => {
    const current: RecordedEvent<TestDeadlineSet> = {
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

    const fromStream = await collect(store.readStream(storedV1.stream));
    const fromAll = await collect(store.readAll());
    const delivered = await new Promise<RecordedEvent>((resolve) => {
      const subscription = store.subscribeToAll({}, async (event) => {
        resolve(event);
        void subscription.stop();
      });
    });

    expect(fromStream).toEqual([current]);
    expect(fromAll).toEqual([current]);
    expect(delivered).toEqual(current);
    expect(storedRows()).toEqual([asStoredByAnOlderVersion]);
  });

  it('lets handleCommand fold the current shape, and stores the new event in the current shape at schema version 3', async () => {
    const outcome = await handleCommand(store, storedV1.stream, extendBy(60), {
      commandId: randomUUID(),
      correlationId: randomUUID(),
      actor: { id: 'lead-1', role: 'lead' },
      now: '2017-12-04T15:00:00.000Z',
    });

    const extended = {
      ticketId: '6a7d4e0c-3f1b-4d8e-9a51-1c2b3d4e5f60',
      deadline: '2017-12-04T18:00:00.000Z',
      allowanceMinutes: 300,
      policyVersion: '2017-11-23',
    };
    expect(outcome).toMatchObject({
      outcome: 'accepted',
      state: { deadline: extended.deadline, allowanceMinutes: 300, policyVersion: '2017-11-23' },
      revision: 1,
    });
    const [old, added] = storedRows();
    expect(old).toEqual(asStoredByAnOlderVersion);
    expect(added?.revision).toBe(1);
    expect(JSON.parse(added?.data ?? 'null')).toEqual(extended);
    expect(JSON.parse(added?.metadata ?? 'null')).toMatchObject({
      recordedAt: '2017-12-04T15:00:00.000Z',
      schemaVersion: 3,
    });
    expect((await collect(store.readStream(storedV1.stream))).map(({ data }) => data)).toEqual([
      { ...extended, deadline: '2017-12-04T17:00:00.000Z', allowanceMinutes: 240 },
      extended,
    ]);
  });
});

describeEventStoreConformance(
  'opened with upcasters',
  async () => {
    const store = await openEventStore('memory:', TEST_DEADLINE_SET_UPCASTERS);
    return { store, dispose: () => store.close() };
  },
  { opensEmpty: true },
);
