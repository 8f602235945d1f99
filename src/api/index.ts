/**
 * The KVS API surface: the generated operation and shape tables, plus the hand-written
 * PutMedia description (PutMedia is not in botocore: its kinesis-video-media model has only
 * GetMedia; spec §5.1).
 */
export { operations, shapes, exceptionStatus } from './generated/model.js';
export type { OperationName } from './generated/model.js';
export type { OperationDef, ServiceName, ShapeTable } from './model-types.js';
export { validateInput } from './validate.js';
export * as cp from './generated/types-kinesisvideo.js';
export * as media from './generated/types-kinesis-video-media.js';
export * as archived from './generated/types-kinesis-video-archived-media.js';
export * from './put-media.js';
