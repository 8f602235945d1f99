/**
 * Matroska/EBML element IDs — the one place they are spelled out (design.md principle 7).
 *
 * Owns: numeric constants of the full element ID *including* the length-marker bits, exactly as the
 * bytes appear on the wire (Segment = 0x18538067 is written `18 53 80 67`), plus the few ID sets the
 * parsers need. Must not know: how elements are parsed, buffered or assembled into KVS chunks.
 *
 * Source: the Matroska and EBML specifications (RFC 8794, RFC 9559); only elements kvideo reads or
 * writes, or that tests need to build, are listed.
 */
export const EbmlId = {
  // EBML header (RFC 8794 §11.2)
  EBML: 0x1a45dfa3,
  EBMLVersion: 0x4286,
  EBMLReadVersion: 0x42f7,
  EBMLMaxIDLength: 0x42f2,
  EBMLMaxSizeLength: 0x42f3,
  DocType: 0x4282,
  DocTypeVersion: 0x4287,
  DocTypeReadVersion: 0x4285,

  // Global elements, legal at any level (RFC 8794 §11.3)
  Void: 0xec,
  CRC32: 0xbf,

  Segment: 0x18538067,

  SeekHead: 0x114d9b74,
  Seek: 0x4dbb,
  SeekID: 0x53ab,
  SeekPosition: 0x53ac,

  Info: 0x1549a966,
  SegmentUID: 0x73a4,
  TimecodeScale: 0x2ad7b1,
  Duration: 0x4489,
  DateUTC: 0x4461,
  Title: 0x7ba9,
  MuxingApp: 0x4d80,
  WritingApp: 0x5741,

  Tracks: 0x1654ae6b,
  TrackEntry: 0xae,
  TrackNumber: 0xd7,
  TrackUID: 0x73c5,
  TrackType: 0x83,
  FlagLacing: 0x9c,
  DefaultDuration: 0x23e383,
  Name: 0x536e,
  Language: 0x22b59c,
  CodecID: 0x86,
  CodecPrivate: 0x63a2,
  CodecName: 0x258688,
  Video: 0xe0,
  PixelWidth: 0xb0,
  PixelHeight: 0xba,
  Audio: 0xe1,
  SamplingFrequency: 0xb5,
  Channels: 0x9f,
  BitDepth: 0x6264,

  Cluster: 0x1f43b675,
  Timecode: 0xe7,
  SilentTracks: 0x5854,
  Position: 0xa7,
  PrevSize: 0xab,
  SimpleBlock: 0xa3,
  BlockGroup: 0xa0,
  Block: 0xa1,
  BlockAdditions: 0x75a1,
  BlockDuration: 0x9b,
  ReferenceBlock: 0xfb,
  EncryptedBlock: 0xaf,

  Cues: 0x1c53bb6b,
  CuePoint: 0xbb,

  Chapters: 0x1043a770,
  Attachments: 0x1941a469,

  Tags: 0x1254c367,
  Tag: 0x7373,
  Targets: 0x63c0,
  TargetTypeValue: 0x68ca,
  TagTrackUID: 0x63c5,
  SimpleTag: 0x67c8,
  TagName: 0x45a3,
  TagLanguage: 0x447a,
  TagDefault: 0x4484,
  TagString: 0x4487,
  TagBinary: 0x4485,
} as const;

export type EbmlIdName = keyof typeof EbmlId;

/**
 * Children a Cluster may have. An unknown-size Cluster ends at the first ID outside this set (RFC 9559
 * §6.2 "unknown-sized elements end with an element that is not a valid child"); Void and CRC-32 are
 * global elements and therefore valid children too.
 */
export const CLUSTER_CHILD_IDS: ReadonlySet<number> = new Set([
  EbmlId.Timecode,
  EbmlId.SilentTracks,
  EbmlId.Position,
  EbmlId.PrevSize,
  EbmlId.SimpleBlock,
  EbmlId.BlockGroup,
  EbmlId.EncryptedBlock,
  EbmlId.Void,
  EbmlId.CRC32,
]);

/** Level-1 elements (children of Segment); seeing one inside a known-size Cluster is a structural error. */
export const SEGMENT_CHILD_IDS: ReadonlySet<number> = new Set([
  EbmlId.SeekHead,
  EbmlId.Info,
  EbmlId.Tracks,
  EbmlId.Cluster,
  EbmlId.Cues,
  EbmlId.Chapters,
  EbmlId.Attachments,
  EbmlId.Tags,
]);
