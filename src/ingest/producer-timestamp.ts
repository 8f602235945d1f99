/**
 * Parses `x-amzn-producer-start-timestamp` (spec §5.1): decimal epoch seconds from the C/C++ and
 * JS producers (possibly with an unpadded millisecond part, parsed as a decimal, spec §9.9),
 * integer seconds (Go), and ISO-8601 / RFC 1123 dates (Java SDK v1). Returns epoch milliseconds.
 */
export function parseProducerStartTimestamp(value: string): number | undefined {
  const text = value.trim();
  if (/^[0-9]+(\.[0-9]+)?$/.test(text)) return Number(text) * 1000;
  if (/^[0-9]{4}-[0-9]{2}-[0-9]{2}T/.test(text) || /^[A-Za-z]{3}, /.test(text)) {
    const ms = Date.parse(text);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}
