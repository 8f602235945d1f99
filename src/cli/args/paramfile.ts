/**
 * `file://` and `fileb://` parameter values (awscli/paramfile.py): the value is replaced by the
 * file's text (UTF-8) or bytes. `~` and `$VAR` in the path are expanded as Python's
 * os.path.expanduser/expandvars do. Errors carry Python's wording, e.g.
 * `Unable to load paramfile file:///x: [Errno 2] No such file or directory: '/x'`.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';

export class ParamFileError extends Error {}

const ERRNO: Record<string, [number, string]> = {
  ENOENT: [2, 'No such file or directory'],
  EACCES: [13, 'Permission denied'],
  EISDIR: [21, 'Is a directory'],
  ENOTDIR: [20, 'Not a directory'],
};

export function expandPath(p: string): string {
  let out = p.replace(/\$(\w+)|\$\{(\w+)\}/g, (m, a?: string, b?: string) => process.env[a ?? b ?? ''] ?? m);
  if (out === '~' || out.startsWith('~/')) out = (process.env.HOME ?? homedir()) + out.slice(1);
  return out;
}

/** The file's contents for file:// (string) and fileb:// (Buffer) values; undefined otherwise. */
export function readParamFile(value: string): string | Buffer | undefined {
  const binary = value.startsWith('fileb://');
  if (!binary && !value.startsWith('file://')) return undefined;
  const path = expandPath(value.slice(binary ? 8 : 7));
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    const [errno, text] = ERRNO[code] ?? [0, (err as Error).message];
    throw new ParamFileError(`Unable to load paramfile ${value}: [Errno ${errno}] ${text}: '${path}'`);
  }
  if (binary) return data;
  const text = new TextDecoder('utf-8', { fatal: true });
  try {
    return text.decode(data);
  } catch {
    throw new ParamFileError(
      `Unable to load paramfile (${path}), text contents could not be decoded.  If this is a binary ` +
        'file, please use the fileb:// prefix instead of the file:// prefix.',
    );
  }
}
