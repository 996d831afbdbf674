/**
 * `npm run sms-sim`: the Kavenegar simulator alone, on KAVENEGAR_SIM_PORT, accepting the key the app is
 * configured with (the fixed simulator key when KAVENEGAR_API_KEY is unset). Numbers in
 * KAVENEGAR_SIM_BLOCKED (comma-separated) behave as numbers on the operators' opt-out list.
 * See workers/README.md for the control API.
 */
import { EnvError, loadEnv } from "../../platform/env";
import { startKavenegarSimulator } from "./index";

async function main() {
  const env = loadEnv(process.env, { providers: false });
  const blocked = (process.env.KAVENEGAR_SIM_BLOCKED ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const sim = await startKavenegarSimulator({
    port: env.KAVENEGAR_SIM_PORT,
    host: process.env.KAVENEGAR_SIM_HOST || "127.0.0.1",
    apiKey: env.kavenegarApiKey,
    defaultSender: env.KAVENEGAR_SENDER,
    blockedNumbers: blocked,
    log: { info: (m) => console.log(m), warn: (m) => console.warn(m) },
  });
  console.log(`Kavenegar simulator ready: base URL ${sim.url}/v1; try`);
  console.log(`  curl -X POST ${sim.url}/v1/${env.smsSimulated ? env.kavenegarApiKey : "$KAVENEGAR_API_KEY"}/sms/send.json -d receptor=09121234567 --data-urlencode message=سلام -d localid=1`);
  console.log(`  curl '${sim.url}/sim/messages?number=09121234567'`);
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
