import type { Request } from 'express';

/** The key in `Authorization: Bearer <key>`, or undefined when the header is absent or not a bearer key. */
export const bearerKey = (request: Request): string | undefined =>
  /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
