import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { ProblemException } from './problem';

const hasBody = (request: Request): boolean =>
  request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;

/** A request body is read only as JSON: any other media type is refused rather than silently ignored. */
@Injectable()
export class JsonOnlyMiddleware implements NestMiddleware {
  use(request: Request, _response: Response, next: NextFunction): void {
    if (hasBody(request) && !request.is('application/json')) {
      throw ProblemException.of(415, 'unsupported-media-type', 'Send the request body as application/json.');
    }
    next();
  }
}
