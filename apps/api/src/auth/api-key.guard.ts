import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ProblemException } from '../http/problem';
import { ApiKeysService } from './api-keys.service';
import { bearerKey } from './bearer-key';
import { type Actor, ALLOWED_ROLES, type Role } from './roles';

export type AuthenticatedRequest = Request & { actor?: Actor };

@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly keys: ApiKeysService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const key = bearerKey(request);
    if (key === undefined) {
      context
        .switchToHttp()
        .getResponse<{ setHeader(name: string, value: string): void }>()
        .setHeader('WWW-Authenticate', 'Bearer');
      throw ProblemException.of(401, 'missing-api-key', 'This request needs an API key: Authorization: Bearer <key>.');
    }
    const actor = await this.keys.identify(key);
    if (!actor) throw ProblemException.of(401, 'invalid-api-key', 'This API key is not known.');
    const allowed = this.reflector.get<readonly Role[]>(ALLOWED_ROLES, context.getHandler()) ?? [];
    if (!allowed.includes(actor.role)) {
      throw ProblemException.of(
        403,
        'role-not-allowed',
        `Only ${allowed.join(' or ')} may do this; this key is ${actor.role}.`,
        { role: actor.role, allowedRoles: allowed },
      );
    }
    request.actor = actor;
    return true;
  }
}
