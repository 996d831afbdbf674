/**
 * One short line per event: `2026-11-23T10:00:00.000Z [scope] message`. Levels below LOG_LEVEL are
 * dropped; stack traces are printed only at `debug`, so a newcomer's log stays short and true.
 */
export type LogLevel = "debug" | "info" | "warn" | "error";
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

let threshold: LogLevel = (process.env.LOG_LEVEL as LogLevel | undefined) ?? "info";
if (!(threshold in ORDER)) threshold = "info";

export function setLogLevel(level: LogLevel): void {
  threshold = level;
}

function write(level: LogLevel, scope: string, message: string, error?: unknown) {
  if (ORDER[level] < ORDER[threshold]) return;
  const line = `${new Date().toISOString()} [${scope}] ${message}${error === undefined ? "" : `: ${describeError(error)}`}`;
  if (level === "error" || level === "warn") console.error(line);
  else console.log(line);
  if (error instanceof Error && error.stack && threshold === "debug") console.error(error.stack);
}

/** The one line worth printing about an error (a PostgreSQL error object is 30 lines otherwise). */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === "string" ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string, error?: unknown): void;
  error(message: string, error?: unknown): void;
}

export function logger(scope: string): Logger {
  return {
    debug: (m) => write("debug", scope, m),
    info: (m) => write("info", scope, m),
    warn: (m, e) => write("warn", scope, m, e),
    error: (m, e) => write("error", scope, m, e),
  };
}
