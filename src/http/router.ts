/**
 * Routes `POST /{path}` to an operation, built from the generated operation table so every
 * path of the three models is known (spec §1.1; note the capitalised /TagResource family).
 */
import { operations, type OperationName } from '../api/index.js';

const byPath = new Map<string, OperationName>();
for (const [name, op] of Object.entries(operations) as [
  OperationName,
  (typeof operations)[OperationName],
][]) {
  byPath.set(`${op.method} ${op.path}`, name);
}

export const PUT_MEDIA_PATH = '/putMedia';

export function routeOperation(method: string, pathname: string): OperationName | undefined {
  return byPath.get(`${method} ${pathname}`);
}
