/**
 * The CLI's view of the generated botocore tables (src/api): shape lookup, botocore's
 * xform_name (CamelCase member → `--kebab-case` option), and the paginator configs the AWS CLI
 * loads from botocore's paginators-1.json (not part of src/api's generated tables, so the three
 * entries kvideo's commands need are copied here verbatim).
 */
import { operations, shapes, type OperationName, type ServiceName } from '../api/index.js';
import type { ShapeDef } from '../api/model-types.js';

export type { OperationName, ServiceName, ShapeDef };

export function shapeOf(service: ServiceName, name: string): ShapeDef {
  const shape = shapes[service][name];
  if (!shape) throw new Error(`unknown shape ${service}.${name}`);
  return shape;
}

export function operationDef(operation: OperationName): (typeof operations)[OperationName] {
  return operations[operation];
}

/** Members of a structure shape in model order, each with its resolved shape. */
export function membersOf(
  service: ServiceName,
  shape: ShapeDef,
): { name: string; shape: ShapeDef; shapeName: string; location?: string }[] {
  if (shape.type !== 'structure') return [];
  return Object.entries(shape.members).map(([name, m]) => ({
    name,
    shape: shapeOf(service, m.shape),
    shapeName: m.shape,
    location: m.location,
  }));
}

const FIRST_CAP = /(.)([A-Z][a-z]+)/g;
const END_CAP = /([a-z0-9])([A-Z])/g;
const SPECIAL_PLURAL = /[A-Z]{2,}s$/;

/** botocore.xform_name: `StreamARN` → `stream-arn`, `APIName` → `api-name`. */
export function xformName(name: string, sep = '-'): string {
  if (name.includes(sep)) return name;
  let n = name;
  const special = SPECIAL_PLURAL.exec(n);
  if (special) n = `${n.slice(0, -special[0].length)}${sep}${special[0].toLowerCase()}`;
  return n.replace(FIRST_CAP, `$1${sep}$2`).replace(END_CAP, `$1${sep}$2`).toLowerCase();
}

export interface PaginatorConfig {
  inputToken: string;
  outputToken: string;
  limitKey: string;
  resultKey: string;
}

/** From botocore/data/<service>/2017-09-30/paginators-1.json. */
export const PAGINATORS: Partial<Record<OperationName, PaginatorConfig>> = {
  ListStreams: {
    inputToken: 'NextToken',
    outputToken: 'NextToken',
    limitKey: 'MaxResults',
    resultKey: 'StreamInfoList',
  },
  ListFragments: {
    inputToken: 'NextToken',
    outputToken: 'NextToken',
    limitKey: 'MaxResults',
    resultKey: 'Fragments',
  },
  GetImages: {
    inputToken: 'NextToken',
    outputToken: 'NextToken',
    limitKey: 'MaxResults',
    resultKey: 'Images',
  },
};
