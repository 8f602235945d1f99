/**
 * The part of the `fs-native-extensions` API (holepunch, no bundled types) that the data
 * directory lock uses. On Linux tryLock is an open-file-description lock (fcntl F_OFD_SETLK),
 * released when the descriptor is closed or the process dies.
 */
declare module 'fs-native-extensions' {
  export function tryLock(
    fd: number,
    offset?: number,
    length?: number,
    options?: { shared?: boolean },
  ): boolean;
  export function tryLock(fd: number, options?: { shared?: boolean }): boolean;
}
