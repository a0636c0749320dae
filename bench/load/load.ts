import autocannon from 'autocannon';

export const CONNECTIONS = 16;

export interface LoadTarget {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The body of the `n`th request. */
  readonly body: (n: number) => string;
  /** Headers of the `n`th request besides `headers`. */
  readonly headersOf?: (n: number) => Readonly<Record<string, string>>;
}

export interface LoadResult {
  readonly requests: number;
  readonly seconds: number;
  readonly requestsPerSecond: number;
  readonly latencyMs: { readonly p50: number; readonly p99: number; readonly max: number };
}

/**
 * `POST /tickets` from {@link CONNECTIONS} keep-alive clients, each sending its next request once the previous one is
 * answered, for `seconds`. Any answer but 2xx, or any connection error, fails the run: a figure made of refusals
 * would measure nothing.
 */
export const postTickets = async (target: LoadTarget, seconds: number): Promise<LoadResult> => {
  let sent = 0;
  const result = await autocannon({
    url: target.url,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        path: '/tickets',
        setupRequest: (request) => {
          const n = sent++;
          return {
            ...request,
            headers: { 'content-type': 'application/json', ...target.headers, ...target.headersOf?.(n) },
            body: target.body(n),
          };
        },
      },
    ],
  });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(
      `load on ${target.url}: ${result.non2xx} answers not 2xx (${JSON.stringify(result.statusCodeStats)}), ${result.errors} errors, ${result.timeouts} timeouts`,
    );
  }
  const requests = result['2xx'];
  return {
    requests,
    seconds: result.duration,
    requestsPerSecond: Math.round(requests / result.duration),
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
  };
};
