/**
 * The one error type domain code throws. It carries its wire identity (the AWS exception
 * name and HTTP status); only src/http turns it into headers and a body (design.md §5).
 * Must not know about HTTP objects.
 */
export class KvsError extends Error {
  readonly code: string;
  readonly status: number;

  constructor(code: string, message: string, status = 400) {
    super(message);
    this.name = code;
    this.code = code;
    this.status = status;
  }
}

export const invalidArgument = (message: string): KvsError =>
  new KvsError('InvalidArgumentException', message, 400);

export const resourceNotFound = (message = 'The requested stream is not found or not active.'): KvsError =>
  new KvsError('ResourceNotFoundException', message, 404);

export const resourceInUse = (message: string): KvsError =>
  new KvsError('ResourceInUseException', message, 400);

export const versionMismatch = (
  message = 'The stream version does not match the current version.',
): KvsError => new KvsError('VersionMismatchException', message, 400);

export const clientLimitExceeded = (message: string): KvsError =>
  new KvsError('ClientLimitExceededException', message, 400);

export const connectionLimitExceeded = (message: string): KvsError =>
  new KvsError('ConnectionLimitExceededException', message, 400);
