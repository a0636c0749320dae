import { applyDecorators, SetMetadata, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiResponse } from '@nestjs/swagger';
import { ApiKeyGuard } from './api-key.guard';
import { RateLimitGuard } from './rate-limit.guard';
import { ALLOWED_ROLES, type Role } from './roles';

const problem = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };

/** The roles that may call an endpoint; every other caller is refused (401 without a known key, 403 otherwise). */
export const Allow = (...roles: readonly Role[]): MethodDecorator =>
  applyDecorators(
    SetMetadata(ALLOWED_ROLES, roles),
    UseGuards(RateLimitGuard, ApiKeyGuard),
    ApiBearerAuth(),
    ApiResponse({ status: 401, description: 'No API key, or an unknown one.', content: problem }),
    ApiResponse({ status: 403, description: `Allowed roles: ${roles.join(', ')}.`, content: problem }),
    ApiResponse({ status: 429, description: 'Rate limit of this key reached; see Retry-After.', content: problem }),
  );
