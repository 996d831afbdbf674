import { Logger as GraphileLogger } from "graphile-worker";
import { logger as platformLogger, type Logger } from "../platform/logger";

/**
 * graphile-worker's log lines through our logger: its info lines (worker started, job completed) at
 * debug level, its warnings and errors as ours.
 */
export function graphileLogger(log: Logger = platformLogger("workers")): GraphileLogger {
  return new GraphileLogger(() => (level, message) => {
    const l = String(level);
    if (l === "error") log.error(message);
    else if (l === "warning") log.warn(message);
    else log.debug(message);
  });
}

/** For migrations: only warnings and errors. */
export function quietGraphileLogger(): GraphileLogger {
  return graphileLogger(platformLogger("db"));
}
