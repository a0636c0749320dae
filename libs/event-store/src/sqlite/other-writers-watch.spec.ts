import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { randomUUID } from 'node:crypto';
import { OtherWritersWatch } from './other-writers-watch';

describe('OtherWritersWatch without change notices (no -wal file to watch)', () => {
  let version: number;
  let checks: number[];
  let changes: number[];
  let watch: OtherWritersWatch;

  beforeEach(() => {
    jest.useFakeTimers({ now: 0 });
    version = 1;
    checks = [];
    changes = [];
    watch = new OtherWritersWatch({
      walPath: join(tmpdir(), `no-such-${randomUUID()}-wal`),
      dataVersion: () => {
        checks.push(Date.now());
        return version;
      },
      onChange: () => changes.push(Date.now()),
      minIntervalMs: 10,
      maxIntervalMs: 40,
    });
  });

  afterEach(() => {
    watch.stop();
    jest.useRealTimers();
  });

  it('given nothing changes, when time passes, then it looks less and less often, down to the slowest interval', () => {
    jest.advanceTimersByTime(200);

    // the first read is the starting version; then 10, 20, 40, 40… apart
    expect(checks).toEqual([0, 10, 30, 70, 110, 150, 190]);
    expect(changes).toEqual([]);
  });

  it('given it has slowed down, when another connection commits, then it tells at the next look and looks quickly again', () => {
    jest.advanceTimersByTime(75);
    version = 2;

    jest.advanceTimersByTime(70);

    expect(changes).toEqual([110]);
    expect(checks.filter((at) => at > 70)).toEqual([110, 120, 140]);
  });

  it('given it was stopped, when time passes, then it looks no more', () => {
    watch.stop();
    version = 2;

    jest.advanceTimersByTime(200);

    expect(checks).toEqual([0]);
    expect(changes).toEqual([]);
  });
});
