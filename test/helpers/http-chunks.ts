/** Decodes a raw HTTP/1.1 response, including its chunked framing, for wire-level assertions. */
export interface RawHttpResponse {
  status: number;
  headers: Record<string, string>;
  /** Each HTTP chunk of a chunked body, decoded as UTF-8. */
  chunks: string[];
  /** The whole body as text. */
  body: string;
}

export function decodeHttpResponse(raw: Buffer): RawHttpResponse {
  const headerEnd = raw.indexOf('\r\n\r\n');
  const head = raw.subarray(0, headerEnd).toString('latin1').split('\r\n');
  const status = Number(head[0]?.split(' ')[1]);
  const headers: Record<string, string> = {};
  for (const line of head.slice(1)) {
    const i = line.indexOf(':');
    headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
  }
  let rest = raw.subarray(headerEnd + 4);
  if (headers['transfer-encoding'] !== 'chunked')
    return { status, headers, chunks: [], body: rest.toString('utf8') };
  const chunks: string[] = [];
  for (;;) {
    const eol = rest.indexOf('\r\n');
    if (eol < 0) break;
    const size = parseInt(rest.subarray(0, eol).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0) break;
    chunks.push(rest.subarray(eol + 2, eol + 2 + size).toString('utf8'));
    rest = rest.subarray(eol + 2 + size + 2);
  }
  return { status, headers, chunks, body: chunks.join('') };
}
