/**
 * The packaging error: media that cannot be packaged, with the KVS exception it maps to (spec §7.3,
 * §7.4 error sets). Owns nothing else.
 */
export type PackagingErrorCode =
  'UnsupportedStreamMediaType' | 'MissingCodecPrivateData' | 'InvalidCodecPrivateData' | 'InvalidMediaFrame';

export class PackagingError extends Error {
  readonly code: PackagingErrorCode;
  constructor(code: PackagingErrorCode, message: string) {
    super(message);
    this.name = 'PackagingError';
    this.code = code;
  }
  /** e.g. "UnsupportedStreamMediaTypeException" (spec §7.3 error set). */
  get exception(): string {
    return `${this.code}Exception`;
  }
}
