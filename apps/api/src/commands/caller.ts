import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { v5 as uuidv5 } from 'uuid';
import type { AuthenticatedRequest } from '../auth/api-key.guard';
import type { Actor } from '../auth/roles';

/** The namespace of the ids derived from an Idempotency-Key. Never change it. */
const IDEMPOTENT_ID_NAMESPACE = 'c0a5a0f8-54a4-4c4b-9d0d-7c1b8a6e2f31';

/** Who sent a command, and the ids that tie its events together. */
export interface Caller {
  readonly actor: Actor;
  /**
   * Derived from the Idempotency-Key when there is one, so that a repeated request, even one whose first answer was
   * lost, produces the same ids and events and therefore appends nothing twice.
   */
  readonly commandId: string;
  readonly correlationId: string;
}

/** An id derived from a command: the same on every retry of that command. */
export const idFor = (caller: Caller, purpose: string): string =>
  uuidv5(`${caller.commandId}:${purpose}`, IDEMPOTENT_ID_NAMESPACE);

export const CurrentCaller = createParamDecorator((_data: unknown, context: ExecutionContext): Caller => {
  const request = context.switchToHttp().getRequest<AuthenticatedRequest & { id?: unknown }>();
  const actor = request.actor as Actor;
  const key = request.headers['idempotency-key'];
  const commandId = typeof key === 'string' ? uuidv5(`${actor.id}\n${key}`, IDEMPOTENT_ID_NAMESPACE) : randomUUID();
  const correlationId = typeof request.id === 'string' ? request.id : randomUUID();
  return { actor, commandId, correlationId };
});
