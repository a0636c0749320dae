import { lastValueFrom, Subject, toArray } from 'rxjs';
import type { RecordedEvent } from '@app/event-store';
import type { ProjectionRunner } from '@app/projections';
import { LiveFeed } from './live.controller';

describe('LiveFeed', () => {
  const feedOf = (applied: Subject<RecordedEvent>) =>
    new LiveFeed(
      { applied } as unknown as ProjectionRunner,
      undefined as never,
      undefined as never,
      undefined as never,
    );

  it('given the api shuts down, when a listener is listening, then its stream ends after the first ping', async () => {
    const feed = feedOf(new Subject());
    const heard = lastValueFrom(feed.listen().pipe(toArray()));

    await feed.beforeApplicationShutdown();

    expect(await heard).toEqual([{ type: 'ping', data: {} }]);
  });

  it('given the api is shutting down, when a listener connects, then its stream ends at once', async () => {
    const feed = feedOf(new Subject());
    await feed.beforeApplicationShutdown();

    expect(await lastValueFrom(feed.listen().pipe(toArray()))).toEqual([]);
  });
});
