import { EnvError } from "../../platform/env";

/** Runs a command-line task: a clear one-line error and exit code 1 instead of a stack trace. */
export async function runCli(task: () => Promise<void>): Promise<void> {
  try {
    await task();
  } catch (err) {
    console.error(err instanceof EnvError ? err.message : `Error: ${err instanceof Error ? err.message : String(err)}`);
    if (!(err instanceof EnvError) && process.env.LOG_LEVEL === "debug") console.error(err);
    process.exitCode = 1;
  }
}
