/** Shapes of the generated model tables (src/api/generated/model.ts). */
export type ShapeDef =
  | {
      type: 'structure';
      members: Record<string, { shape: string; location?: string; locationName?: string }>;
      required?: readonly string[];
      payload?: string;
    }
  | { type: 'string'; min?: number; max?: number; pattern?: string; enum?: readonly string[] }
  | { type: 'integer' | 'long' | 'double' | 'float'; min?: number; max?: number }
  | { type: 'list'; member: string; min?: number; max?: number }
  | { type: 'map'; key: string; value: string; min?: number; max?: number }
  | { type: 'boolean' | 'timestamp' }
  | { type: 'blob'; streaming?: boolean; min?: number; max?: number };

export type ShapeTable = Record<string, ShapeDef>;

export type ServiceName = 'kinesisvideo' | 'kinesis-video-media' | 'kinesis-video-archived-media';

export interface OperationDef {
  service: ServiceName;
  method: string;
  path: string;
  input: string | null;
  output: string | null;
  errors: readonly string[];
}

export type OperationTable = Record<string, OperationDef>;
