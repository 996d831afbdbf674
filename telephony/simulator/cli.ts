/**
 * `npm run ari-sim`: the ARI simulator alone, on ARI_SIM_PORT with the credentials the app is configured
 * with (ARI_USER / ARI_PASSWORD), keeping its recordings in DATA_DIR/ari-sim-recordings. Point a telephony
 * app (or curl) at it; see telephony/README.md for the control API.
 */
import path from "node:path";
import { EnvError, loadEnv } from "../../platform/env";
import { startAriSimulator } from "./index";

function optionalMs(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 600_000) throw new EnvError(`Invalid configuration:\n  ${name}: a whole number of milliseconds (0-600000)`);
  return n;
}

async function main() {
  const env = loadEnv(process.env, { providers: false });
  const sim = await startAriSimulator({
    port: env.ARI_SIM_PORT,
    host: process.env.ARI_SIM_HOST || "127.0.0.1",
    user: env.ARI_USER,
    password: env.ARI_PASSWORD,
    recordingsDir: path.join(env.dataDir, "ari-sim-recordings"),
    // benchmarks: a caller who keys at once (ARI_SIM_DTMF_DELAY_MS=0), prompts of another length
    dtmfAfterAnswerMs: optionalMs("ARI_SIM_DTMF_DELAY_MS"),
    playbackMs: optionalMs("ARI_SIM_PLAYBACK_MS"),
    log: {
      info: (m) => console.log(m),
      warn: (m) => console.warn(m),
      error: (m, e) => console.error(m, e ?? ""),
    },
  });
  console.log(`ARI simulator ready: ARI_URL=${sim.url} ARI_USER=${env.ARI_USER}; simulate a call with`);
  console.log(`  curl -X POST ${sim.url}/sim/calls -H 'Content-Type: application/json' -d '{"from":"09121234567","to":"02191001570","dtmf":"1"}'`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((e: unknown) => {
  console.error(e instanceof EnvError ? e.message : e);
  process.exit(1);
});
