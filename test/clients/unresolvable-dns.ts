/**
 * Preloaded into a kvideo child process (`NODE_OPTIONS=--import=<this file>`) so that host names
 * under `.invalid` fail to resolve the way getaddrinfo fails (ENOTFOUND), without any DNS query
 * leaving the machine (tests use loopback only). Every other name resolves as usual.
 */
import dns from 'node:dns';

type LookupCallback = (err: NodeJS.ErrnoException | null, address?: unknown, family?: number) => void;

const notFound = (hostname: string): NodeJS.ErrnoException =>
  Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
    code: 'ENOTFOUND',
    errno: -3008,
    syscall: 'getaddrinfo',
    hostname,
  });

const realLookup = dns.lookup.bind(dns) as (...args: unknown[]) => void;
(dns as unknown as { lookup: unknown }).lookup = (hostname: string, ...rest: unknown[]) => {
  const callback = rest.at(-1) as LookupCallback;
  if (hostname.endsWith('.invalid')) {
    process.nextTick(() => callback(notFound(hostname)));
    return;
  }
  realLookup(hostname, ...rest);
};
