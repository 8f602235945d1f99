/** Constants shared by the kill -9 test and its child process. */
export const CRASH_STREAM = 'crash-stream';
export const CRASH_SEGMENT_BYTES = 256 * 1024;

/** Payload size of fragment i: varied, so records straddle segment ends and write boundaries. */
export const crashPayloadSize = (i: number): number => 100 + ((i * 7919) % 40_000);
