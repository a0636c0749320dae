import { withKeepAlive } from './esdb-connection-string';

describe('withKeepAlive', () => {
  it.each([
    ['esdb://localhost:2113', 'esdb://localhost:2113?keepAliveInterval=10000&keepAliveTimeout=10000'],
    [
      'esdb://localhost:2113?tls=false',
      'esdb://localhost:2113?tls=false&keepAliveInterval=10000&keepAliveTimeout=10000',
    ],
    [
      'esdb://h:2113?tls=false&keepAliveInterval=-1&keepalivetimeout=-1',
      'esdb://h:2113?tls=false&keepAliveInterval=10000&keepAliveTimeout=10000',
    ],
    [
      'esdb://h:2113?keepAliveInterval=20000&tlsCAFile=/etc/ca/ca.crt',
      'esdb://h:2113?keepAliveInterval=20000&tlsCAFile=/etc/ca/ca.crt&keepAliveTimeout=10000',
    ],
  ])('turns %s into %s', (given, expected) => {
    expect(withKeepAlive(given)).toBe(expected);
  });
});
