/**
 * A recording whose download fails is not lost: the telephony process (real ari-client against the ARI
 * simulator) tries three times, then marks the download pending with a `recording__download` job; the
 * workers' task (run by graphile-worker's runOnce) fetches it over ARI's REST API itself, retrying with
 * graphile-worker's backoff while the simulator keeps failing, until it is stored and attached to the call;
 * the last allowed attempt marks it failed.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { runOnce } from "graphile-worker";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { quietGraphileLogger } from "../../db/job-queue";
import { RecordingStore } from "../../platform/recording-store";
import { queueRecordingDownload, recordingJobKey } from "../../services/recording-downloads";
import { taskList } from "../../workers";
import { downloadPendingRecording } from "../../workers/tasks/recording__download";
import { addOperator, ARI_PASSWORD, ARI_USER, callByChannel, callRow, endpointBehaviour, printLogOnFailure, sim, startRig, waitFor, type Rig } from "../support/telephony";

let rig: Rig;
printLogOnFailure(() => [rig?.log]);

beforeAll(async () => {
  rig = await startRig();
  await sql`delete from graphile_worker._private_jobs`.execute(rig.db);
});

afterAll(async () => {
  await rig?.tel.stop();
  await rig?.sim.close();
});

async function job(callId: number) {
  const { rows } = await sql<{ identifier: string; payload: { callId: number }; attempts: number; max_attempts: number; run_at: Date; last_error: string | null }>`
    select t.identifier, j.payload, j.attempts, j.max_attempts, j.run_at, j.last_error
    from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
    where j.key = ${recordingJobKey(callId)}`.execute(rig.db);
  return rows;
}

async function download(callId: number) {
  return rig.db.selectFrom("recording_downloads").selectAll().where("call_id", "=", callId).executeTakeFirst();
}

/** Runs the jobs due now with the workers' real task list. */
async function runDueJobs() {
  await runOnce({ connectionString: rig.dbUrl, taskList: taskList({ db: rig.db, env: rig.env }), logger: quietGraphileLogger() });
}

/** A recorded inbound call, answered by an operator and hung up; returns the call once it has ended. */
async function recordedCall(extension: string) {
  await rig.db.updateTable("operators").set({ presence: "offline" }).execute();
  await addOperator(rig.db, extension, { idleSince: new Date(Date.now() - 600_000) });
  await endpointBehaviour(rig.sim, extension, "auto", 100);
  const { id } = (await sim(rig.sim, "/sim/calls", { from: "09121234567", to: "1500", dtmf: "1" })) as { id: string };
  const call = await waitFor(async () => {
    const c = await callByChannel(rig.db, id);
    return c?.state === "connected" ? c : null;
  }, 10_000, "the call to be answered");
  await new Promise((r) => setTimeout(r, 1200)); // talk a little
  return { call, hangup: () => sim(rig.sim, `/sim/calls/${id}/hangup`) };
}

describe("recording downloads that fail", () => {
  it("telephony hands the download to the workers, who retry with backoff until it is stored", async () => {
    const { call, hangup } = await recordedCall("301");
    rig.sim.failRecordingDownloads(5); // telephony's 3 quick tries, then the workers' first 2
    await hangup();
    const pending = await waitFor(() => download(call.id), 10_000, "the pending download");
    expect(pending).toMatchObject({ recording_name: call.recording_name, status: "pending", attempts: 0 });
    expect(pending.last_error).toMatch(/Simulated failure/);
    expect(await rig.db.selectFrom("recordings").select("id").where("call_id", "=", call.id).execute()).toEqual([]);
    expect(await job(call.id)).toEqual([expect.objectContaining({ identifier: "recording__download", payload: { callId: call.id }, attempts: 0, max_attempts: 12 })]);
    expect((await callRow(rig.db, call.id)).state).toBe("ended");

    // attempt 1 and 2 fail: graphile-worker keeps the job with its growing wait, the row stays pending
    let previousWait = 0;
    for (const attempt of [1, 2]) {
      await runDueJobs();
      const [j] = await job(call.id);
      expect(j).toMatchObject({ attempts: attempt });
      expect(j!.last_error).toMatch(/500/);
      const wait = j!.run_at.getTime() - Date.now();
      expect(wait).toBeGreaterThan(previousWait);
      previousWait = wait;
      expect(await download(call.id)).toMatchObject({ status: "pending", attempts: attempt });
      await sql`update graphile_worker._private_jobs set run_at = now() where key = ${recordingJobKey(call.id)}`.execute(rig.db); // time passes
    }
    // attempt 3 succeeds: stored, attached, the download done, the job gone
    await runDueJobs();
    expect(await job(call.id)).toEqual([]);
    expect(await download(call.id)).toMatchObject({ status: "done", attempts: 2, last_error: null });
    const recording = await rig.db.selectFrom("recordings").selectAll().where("call_id", "=", call.id).executeTakeFirstOrThrow();
    const stored = readFileSync(path.join(rig.env.recordingsDir, ...recording.storage_key.split("/")));
    const original = readFileSync(path.join(rig.dir, "ari-sim-recordings", `${call.recording_name}.wav`));
    expect(stored.equals(original)).toBe(true);
    expect(recording.size_bytes).toBe(original.length);
  });

  it("the last allowed attempt marks the download failed with the error, and the job ends", async () => {
    const { call, hangup } = await recordedCall("302");
    await hangup();
    await waitFor(() => rig.db.selectFrom("recordings").select("id").where("call_id", "=", call.id).executeTakeFirst(), 10_000, "the recording");
    // pretend it had failed: a pending download of a recording Asterisk no longer has
    await rig.db.deleteFrom("recordings").where("call_id", "=", call.id).execute();
    const name = call.recording_name!;
    await waitFor(async () => (await fetch(`${rig.sim.url}/ari/recordings/stored/${name}`, { method: "DELETE", headers: { Authorization: `Basic ${Buffer.from(`${ARI_USER}:${ARI_PASSWORD}`).toString("base64")}` } })).status === 204);
    expect(await queueRecordingDownload(rig.db, { recordingName: name, error: "test", maxAttempts: 2 })).toBe(call.id);
    const deps = {
      db: rig.db,
      store: new RecordingStore(rig.env.recordingsDir),
      ari: { defaultUrl: rig.env.ariUrl, user: ARI_USER, password: ARI_PASSWORD },
    };
    await expect(downloadPendingRecording(deps, call.id, { number: 1, max: 2 })).rejects.toThrow(/404/);
    expect(await download(call.id)).toMatchObject({ status: "pending", attempts: 1 });
    expect(await downloadPendingRecording(deps, call.id, { number: 2, max: 2 })).toBe("failed");
    const row = await download(call.id);
    expect(row).toMatchObject({ status: "failed", attempts: 2 });
    expect(row!.last_error).toMatch(/404/);
    expect(await downloadPendingRecording(deps, call.id, { number: 3, max: 3 })).toBe("nothing_pending");
    // through graphile-worker: the job's own last attempt ends it without an error left to retry
    await sql`delete from graphile_worker._private_jobs`.execute(rig.db);
    await rig.db.updateTable("recording_downloads").set({ status: "pending" }).where("call_id", "=", call.id).execute();
    await sql`select graphile_worker.add_job('recording__download', json_build_object('callId', ${call.id}::bigint), max_attempts := 1)`.execute(rig.db);
    await runDueJobs();
    expect(await download(call.id)).toMatchObject({ status: "failed", attempts: 3 });
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from graphile_worker._private_jobs`.execute(rig.db);
    expect(rows[0]!.n).toBe(0);
  });

  it("a download already done is not queued again", async () => {
    const { call, hangup } = await recordedCall("303");
    await hangup();
    await waitFor(() => rig.db.selectFrom("recordings").select("id").where("call_id", "=", call.id).executeTakeFirst(), 10_000, "the recording");
    await rig.db.insertInto("recording_downloads").values({ call_id: call.id, recording_name: call.recording_name!, status: "done" }).execute();
    await sql`delete from graphile_worker._private_jobs`.execute(rig.db);
    expect(await queueRecordingDownload(rig.db, { recordingName: call.recording_name! })).toBe(call.id);
    expect(await job(call.id)).toEqual([]);
    expect(await queueRecordingDownload(rig.db, { recordingName: "no-such-recording" })).toBeNull();
  });
});
