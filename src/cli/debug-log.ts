/**
 * `--debug`: log lines on stderr in the AWS CLI's format
 * (`2024-05-01 10:00:00,123 - MainThread - kvideo.endpoint - DEBUG - ...`, Python logging's
 * asctime in local time). Without --debug every call is a no-op.
 */
export class DebugLog {
  constructor(readonly enabled: boolean) {}

  log(logger: string, message: string): void {
    if (!this.enabled) return;
    const d = new Date();
    const p = (n: number, w = 2): string => String(n).padStart(w, '0');
    const time =
      `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ` +
      `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())},${p(d.getMilliseconds(), 3)}`;
    process.stderr.write(`${time} - MainThread - ${logger} - DEBUG - ${message}\n`);
  }
}
