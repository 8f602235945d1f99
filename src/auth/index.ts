/**
 * Entry point of src/auth: SigV4 verification against a credentials file plus per-key
 * authorization. src/http calls `authenticate` before dispatch (after reading a JSON body, never
 * reading a PutMedia body) and `authorize` once it knows the operation's stream.
 * Only imports src/core (design.md layout).
 */
import { parseStreamArn } from '../core/arn.js';
import type { Clock } from '../core/clock.js';
import { authorize, type AuthzResource } from './authorize.js';
import type { CredentialStore } from './credentials.js';
import { SigV4Verifier, type Principal, type SignedRequest } from './sigv4-verifier.js';

export type { AuthzResource } from './authorize.js';
export { buildCredentialStore, loadCredentialsFile, parseCredentials } from './credentials.js';
export type { CredentialEntry, CredentialStore } from './credentials.js';
export { AuthError, invalidSignature } from './errors.js';
export {
  EMPTY_SHA256,
  MAX_CLOCK_SKEW_MS,
  SIGNING_SERVICE,
  STREAMING_PAYLOAD,
  UNSIGNED_PAYLOAD,
} from './sigv4-verifier.js';
export type { Principal, SignedRequest } from './sigv4-verifier.js';

export interface Authenticator {
  /** Verifies the request's SigV4 signature; rejects with an AuthError (403). */
  authenticate(request: SignedRequest): Promise<Principal>;
  /** Throws NotAuthorizedException / AccessDeniedException (401) when the key may not do this. */
  authorize(principal: Principal, operation: string, resource: AuthzResource): void;
}

export function createAuthenticator(store: CredentialStore, clock: Clock): Authenticator {
  const verifier = new SigV4Verifier(store, clock);
  return {
    authenticate: (request) => verifier.verify(request),
    authorize: (principal, operation, resource) => authorize(principal.entry, operation, resource),
  };
}

/** Stream name inside a KVS stream ARN (arn:…:kinesisvideo:…:stream/NAME/TIME), if it is one. */
export function streamNameOfArn(arn: string): string | undefined {
  return parseStreamArn(arn)?.streamName;
}
