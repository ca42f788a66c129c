export { NotFoundError } from './status.service.ts';

/** The user may not do this (a role or unit outside theirs). */
export class ForbiddenError extends Error {
  /** @param recorded the service has written the refusal to the access log itself */
  constructor(message = 'du har ikke tilgang til dette', readonly recorded = false) {
    super(message);
    this.name = 'ForbiddenError';
  }
}

/** The request is well-formed but the thing is not in a state that allows it. */
export class ConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConflictError';
  }
}

/** Input that passed the schema but makes no sense here (unknown person, unknown form). */
export class InvalidInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidInputError';
  }
}
