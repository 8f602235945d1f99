/**
 * Authorization of a verified principal: its key may be restricted to operations and to stream
 * names (credentials.ts). Operations that name no stream (ListStreams, the signaling-channel
 * operations) need a key that is not restricted to particular streams, as an IAM policy scoped
 * to stream ARNs would not grant them either. Must not know about HTTP.
 */
import type { CredentialEntry } from './credentials.js';
import { notAuthorized } from './errors.js';

/** Stream names an operation touches; `[]` when it names no stream. */
export interface AuthzResource {
  streams: string[];
  /** Shown in the error message, e.g. the ARN or name the request used. */
  display?: string;
}

function allowed(patterns: RegExp[] | undefined, value: string): boolean {
  return patterns === undefined || patterns.some((p) => p.test(value));
}

/** Throws NotAuthorizedException / AccessDeniedException (401) when the key may not do this. */
export function authorize(entry: CredentialEntry, operation: string, resource: AuthzResource): void {
  const deny = (): never => {
    throw notAuthorized(entry.accessKeyId, operation, resource.display ?? resource.streams[0] ?? '*');
  };
  if (!allowed(entry.actions, operation)) deny();
  if (entry.streams === undefined) return;
  if (resource.streams.length === 0) {
    // Needs access to every stream: only a key with a catch-all pattern has it.
    if (!entry.source.streams?.includes('*')) deny();
    return;
  }
  for (const name of resource.streams) if (!allowed(entry.streams, name)) deny();
}
