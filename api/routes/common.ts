import { z } from 'zod';
import type { Context } from '../../app/context.ts';
import type { Tokens } from '../auth/tokens.ts';
import { toPage } from '../../services/paging.ts';

export interface RouteOptions {
  ctx: Context;
  tokens: Tokens;
}

export const PageQuery = z.object({
  page: z.coerce.number().int().min(1).default(1).describe('1-based page number'),
  pageSize: z.coerce.number().int().min(1).max(100).default(25),
});
export const pageOf = (q: { page: number; pageSize: number }) => toPage(q.page, q.pageSize);

export const DocumentId = z.string().regex(/^JP\d+$/, 'a journalpost id (JP…)');
export const BatchId = z.string().regex(/^B\d+$/, 'a batch id (B…)');
export const UnitId = z.string().regex(/^\d{4}$/, 'a unit number (4 digits)');
export const Purpose = z.string().min(3).max(200).optional().describe('why the document is read (recorded in the access log)');

export const ErrorBody = z.object({ error: z.string(), message: z.string() });
/** Error replies every route documents; success bodies are in bodies.ts. */
export const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody };

/** Either the bearer token (API clients) or the web app's session cookie. */
export const bearerAuth: Array<Record<string, string[]>> = [{ bearerAuth: [] }, { sessionCookie: [] }];

/** An upload over MAX_UPLOAD_BYTES: the whole request, not one file. */
export class TooLargeError extends Error {
  readonly statusCode = 413;
  constructor(limit: number) {
    super(`opplastingen er større enn grensen på ${bytesNb(limit)}`);
    this.name = 'TooLargeError';
  }
}

export function bytesNb(n: number): string {
  if (n < 1024 * 1024) return `${Math.round(n / 1024)} kB`;
  return `${Math.round(n / 1024 / 1024)} MB`;
}
