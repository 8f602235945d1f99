/**
 * Authentication and authorization errors with their wire identity (spec §1.5). Authentication
 * failures come from AWS's generic front end, not from the KVS models: HTTP 403 and a lowercase
 * `{"message": ...}` body (AuthError.lowercaseBody). Authorization failures are KVS model
 * exceptions (401, the usual `{"Message": ...}` body).
 */
import { KvsError } from '../core/errors.js';

export class AuthError extends KvsError {
  /** The generic AWS front end writes `{"message": ...}`, not the services' `{"Message": ...}`. */
  readonly lowercaseBody = true;
}

export const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. ' +
  'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

export const missingAuthenticationToken = (): AuthError =>
  new AuthError('MissingAuthenticationTokenException', 'Missing Authentication Token', 403);

export const incompleteSignature = (message: string): AuthError =>
  new AuthError('IncompleteSignatureException', message, 403);

export const invalidSignature = (message = SIGNATURE_MISMATCH): AuthError =>
  new AuthError('InvalidSignatureException', message, 403);

export const unrecognizedClient = (): AuthError =>
  new AuthError('UnrecognizedClientException', 'The security token included in the request is invalid.', 403);

/** TagResource, UntagResource and ListTagsForResource model AccessDeniedException (spec §1.5). */
const ACCESS_DENIED_OPERATIONS = new Set(['TagResource', 'UntagResource', 'ListTagsForResource']);

export function notAuthorized(user: string, operation: string, resource: string): KvsError {
  const message = `User: ${user} is not authorized to perform: kinesisvideo:${operation} on resource: ${resource}`;
  return ACCESS_DENIED_OPERATIONS.has(operation)
    ? new KvsError('AccessDeniedException', message, 401)
    : new KvsError('NotAuthorizedException', message, 401);
}
