import {
  type CallHandler,
  type ExecutionContext,
  Inject,
  Injectable,
  Logger,
  type NestInterceptor,
} from '@nestjs/common';
import type { Response } from 'express';
import { createHash } from 'node:crypto';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { CLOCK, type Clock } from '@app/clock';
import type { AuthenticatedRequest } from '../auth/api-key.guard';
import { ProblemException } from '../http/problem';
import { IdempotencyStore } from './idempotency.store';

const ACCEPTABLE_KEY = /^[\x21-\x7e]{1,255}$/;

const fingerprintOf = (request: AuthenticatedRequest): string => {
  let body: string;
  try {
    body = JSON.stringify(request.body ?? null);
  } catch (error) {
    throw ProblemException.of(400, 'invalid-request', 'The request body is nested too deeply.', {
      reason: String(error),
    });
  }
  return createHash('sha256').update(`${request.method} ${request.path}\n${body}`).digest('hex');
};

/** The ids an answer names (the ticket or customer, a response), for a log line about it. */
const idsIn = (body: unknown): string =>
  ['id', 'ticketId', 'customerId', 'responseId', 'version']
    .flatMap((field) => {
      const value = (body as Record<string, unknown> | null | undefined)?.[field];
      return typeof value === 'string' ? [`${field} ${value}`] : [];
    })
    .join(', ');

/**
 * `Idempotency-Key`: the same key (per API key) with the same request gives the first answer again without running
 * the command; with another request it is refused. Answers are stored only once the command succeeded. An answer
 * that cannot be stored is still given: the command is recorded, and a repeat with the key runs it again, which
 * appends nothing (its ids come from the key) and answers from what was recorded.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly inFlight = new Map<string, Promise<unknown>>();
  private readonly logger = new Logger('Idempotency');

  constructor(
    private readonly store: IdempotencyStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const key = request.headers['idempotency-key'];
    if (key === undefined || !request.actor) return next.handle();
    if (typeof key !== 'string' || !ACCEPTABLE_KEY.test(key)) {
      throw ProblemException.of(
        400,
        'invalid-idempotency-key',
        'The Idempotency-Key header must be 1 to 255 visible ASCII characters.',
      );
    }
    const actor = request.actor.id;
    const fingerprint = fingerprintOf(request);
    return from(
      this.oneAtATime(`${actor}\n${key}`, async () => {
        const stored = this.store.find(actor, key, this.clock.now());
        if (stored) {
          if (stored.fingerprint !== fingerprint) {
            throw ProblemException.of(
              422,
              'idempotency-key-reused',
              'This Idempotency-Key was already used for a different request; use a new key for a new request.',
            );
          }
          context.switchToHttp().getResponse<Response>().setHeader('Idempotent-Replayed', 'true');
          return stored.body;
        }
        const body = await lastValueFrom(next.handle(), { defaultValue: undefined });
        try {
          this.store.save(actor, key, { fingerprint, body }, this.clock.now());
        } catch (error) {
          // The command is recorded: a failed request now would invite a repeat without the key, recorded twice.
          this.logger.warn(
            `${request.method} ${request.path} recorded and answered (${idsIn(body)}), but its answer was not kept ` +
              `for Idempotency-Key replay: ${String(error)}; a repeat with the key runs the command again, which ` +
              'appends nothing twice',
          );
        }
        return body;
      }),
    );
  }

  private oneAtATime<T>(id: string, work: () => Promise<T>): Promise<T> {
    const previous = this.inFlight.get(id) ?? Promise.resolve();
    const current = previous.then(work, work);
    this.inFlight.set(id, current);
    const release = (): void => {
      if (this.inFlight.get(id) === current) this.inFlight.delete(id);
    };
    current.then(release, release);
    return current;
  }
}
