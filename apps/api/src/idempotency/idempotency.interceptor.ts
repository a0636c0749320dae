import { type CallHandler, type ExecutionContext, Inject, Injectable, type NestInterceptor } from '@nestjs/common';
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

/**
 * `Idempotency-Key`: the same key (per API key) with the same request gives the first answer again without running
 * the command; with another request it is refused. Answers are stored only once the command succeeded.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly inFlight = new Map<string, Promise<unknown>>();

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
        this.store.save(actor, key, { fingerprint, body }, this.clock.now());
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
