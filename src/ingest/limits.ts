/** PutMedia fragment and session rules, defaulting to KVS's quotas (spec §5.5, §5.7, §10). */
export interface IngestLimits {
  maxFragmentBytes: number;
  maxFragmentDurationMs: number;
  maxTracks: number;
  maxMetadataTagsPerFragment: number;
  maxMetadataNameBytes: number;
  maxMetadataValueBytes: number;
  /** Interval of IDLE ACKs while no data arrives (spec §9.6: 3 s recommended). */
  idleAckIntervalMs: number;
  /** The session ends after this long without data (spec §5.7: 30 s). */
  idleTimeoutMs: number;
  /**
   * The session also ends, like an idle one, when fewer than idleTimeoutMs × this / 1000 bytes
   * arrived in an idleTimeoutMs window: a client trickling a byte every few seconds must not hold
   * the stream's only PutMedia slot (issue #11). KVS documents no rate; every real producer sends
   * far more (even 6 kbit/s audio is 750 B/s). 0 = only the no-data rule.
   */
  minBytesPerSecond: number;
  /**
   * Largest Tags element after the first Cluster, which is buffered to look for the EoFR tag
   * (spec §5.3); larger ones get ERROR 4009. KVS allows 10 tags of ≤ 128 + 256 bytes (spec §10).
   */
  maxTagsElementBytes: number;
  /** ERROR 4003 after this long (spec §5.7: about 45 minutes). */
  maxConnectionMs: number;
  /**
   * Received bytes of one session that may wait for the store before reading pauses. Reading is
   * otherwise eager: a producer's unsent bytes die with its socket when it hangs up with a reset.
   */
  maxUnpersistedBytes: number;
  /**
   * Fragments of one session that may wait for the store before reading pauses. Without a bound
   * a fast producer's appends queue up and delay every PERSISTED until its burst ends; with a
   * small one (8 was tried) a slow store pauses reading while ffmpeg, which never reads ACKs,
   * finishes and resets the connection, and the bytes still in its socket die with it (CI: 16 of
   * 120 stored on a loaded machine). Memory stays bounded by maxUnpersistedBytes.
   */
  maxUnpersistedFragments: number;
}

export const KVS_INGEST_LIMITS: IngestLimits = {
  maxFragmentBytes: 50 * 1000 * 1000,
  maxFragmentDurationMs: 20_000,
  maxTracks: 3,
  maxMetadataTagsPerFragment: 10,
  maxMetadataNameBytes: 128,
  maxMetadataValueBytes: 256,
  idleAckIntervalMs: 3_000,
  idleTimeoutMs: 30_000,
  minBytesPerSecond: 100,
  maxTagsElementBytes: 256 * 1024,
  maxConnectionMs: 45 * 60_000,
  maxUnpersistedBytes: 8 * 1024 * 1024,
  maxUnpersistedFragments: 256,
};
