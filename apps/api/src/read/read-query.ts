import { z } from 'zod';
import { ProblemException } from '../http/problem';

export const pageSchema = {
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
};

/** Validates query parameters: an unknown one or a bad value is a 400 naming each problem. */
export const parseQuery = <T extends z.ZodRawShape>(shape: T, query: unknown): z.output<z.ZodObject<T>> => {
  const parsed = z.strictObject(shape).safeParse(query);
  if (parsed.success) return parsed.data;
  const errors = parsed.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || String((issue as { keys?: string[] }).keys?.join(', ') ?? ''),
    reason: issue.message,
  }));
  throw ProblemException.of(
    400,
    'invalid-request',
    `The query is not valid: ${errors.map((e) => `${e.path} ${e.reason}`).join('; ')}.`,
    { errors },
  );
};
