import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestLogLevel } from './app-config.module';

const levelOf = (url: string, statusCode: number, error?: Error) =>
  requestLogLevel({ url } as IncomingMessage, { statusCode } as ServerResponse, error);

describe('the level of each request line', () => {
  it('given a failed request, logs it as an error: a person acts on it', () => {
    expect(levelOf('/tickets', 503, new Error('failed with status code 503'))).toBe('error');
    expect(levelOf('/tickets', 500)).toBe('error');
  });

  it('given /health answering 503, logs a warning: the cause has its own line, and monitors poll while it lasts', () => {
    expect(levelOf('/health', 503, new Error('failed with status code 503'))).toBe('warn');
    expect(levelOf('/health?verbose=1', 503)).toBe('warn');
    expect(levelOf('/health/projections', 503)).toBe('warn');
    expect(levelOf('/healthz', 503)).toBe('error');
  });

  it('given a refused request, logs a warning, and an answered one as information', () => {
    expect(levelOf('/tickets', 422)).toBe('warn');
    expect(levelOf('/health', 200)).toBe('info');
  });
});
