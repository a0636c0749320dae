import { type DynamicModule, Global, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { APP_CONFIG, type AppConfig } from './config';

const REQUEST_ID_HEADER = 'x-request-id';
const ACCEPTABLE_REQUEST_ID = /^[\w.-]{1,128}$/;

/** Secrets that may reach a log line: request credentials, cookies and anything named a secret. */
const REDACTED_LOG_PATHS = [
  'req.headers.authorization',
  'req.headers["proxy-authorization"]',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'secret',
  '*.secret',
  '*.*.secret',
  'ALERT_WEBHOOK_SECRET',
  '*.ALERT_WEBHOOK_SECRET',
  '*.API_KEYS',
];

/** The request headers a request's log line keeps: enough to trace it; the rest (and every response header) is noise. */
const LOGGED_REQUEST_HEADERS = ['authorization', 'content-type', 'content-length', 'idempotency-key', 'user-agent'];

interface SerialisedRequest {
  readonly id: unknown;
  readonly method: string;
  readonly url: string;
  readonly remoteAddress?: string;
  readonly headers: Readonly<Record<string, unknown>>;
}

const requestLogged = ({ id, method, url, remoteAddress, headers }: SerialisedRequest) => ({
  id,
  method,
  url,
  remoteAddress,
  headers: Object.fromEntries(LOGGED_REQUEST_HEADERS.filter((name) => name in headers).map((n) => [n, headers[n]])),
});

/**
 * A 503 from `/health` or `/health/projections` is the answer a monitor asked for: what made it is logged where it
 * happened, and a monitor that polls while the engine is down would otherwise fill the log with error lines.
 */
export const requestLogLevel = (
  req: IncomingMessage,
  res: ServerResponse,
  error?: Error,
): 'error' | 'warn' | 'info' => {
  const isHealthAnswer = res.statusCode === 503 && /^\/health(\/|\?|$)/.test(req.url ?? '');
  if (!isHealthAnswer && (error || res.statusCode >= 500)) return 'error';
  return res.statusCode >= 400 ? 'warn' : 'info';
};

const requestId = (req: IncomingMessage, res: ServerResponse): string => {
  const offered = req.headers[REQUEST_ID_HEADER];
  const id = typeof offered === 'string' && ACCEPTABLE_REQUEST_ID.test(offered) ? offered : randomUUID();
  res.setHeader(REQUEST_ID_HEADER, id);
  return id;
};

/** Provides the validated {@link AppConfig} everywhere and structured JSON logs with one line per request. */
@Global()
@Module({})
export class AppConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppConfigModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.LOG_LEVEL,
            genReqId: requestId,
            redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' },
            serializers: {
              req: requestLogged,
              res: (res: { readonly statusCode: number }) => ({ statusCode: res.statusCode }),
            },
            customLogLevel: requestLogLevel,
            ...(config.logPretty ? { transport: { target: 'pino-pretty', options: { singleLine: true } } } : {}),
          },
        }),
      ],
      providers: [{ provide: APP_CONFIG, useValue: config }],
      exports: [APP_CONFIG],
    };
  }
}
