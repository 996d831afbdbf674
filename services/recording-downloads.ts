/**
 * Call recordings whose download from Asterisk failed (telephony/handlers/recording.ts tries a few times
 * right after the call): a row in recording_downloads marks the download pending, and a
 * `recording__download` job (workers/tasks/recording__download.ts, job key `recording:<callId>`) retries
 * it with graphile-worker's growing waits until it succeeds (services/calls.ts recordingStored marks the row
 * done in its transaction) or the attempts run out (the row is marked failed, with the last error).
 *
 * The workers download over ARI's REST API themselves (platform/ari-recordings.ts), from the Asterisk of
 * the telephony process that handled the call (telephony_nodes.ari_url): no telephony process needs to be
 * running, and the workers shell imports nothing of telephony/.
 */
import { sql } from "kysely";
import type { DB } from "../db/connection";
import { addJob } from "../db/job-queue";

export const RECORDING_DOWNLOAD_TASK = "recording__download";

export function recordingJobKey(callId: number): string {
  return `recording:${callId}`;
}

/**
 * Marks the call's recording download pending and queues its job, in one transaction (a row already
 * done stays done). Returns the call's id, or null when no call has this recording.
 */
export async function queueRecordingDownload(
  db: DB,
  r: { recordingName: string; error?: string; maxAttempts?: number; runAt?: Date },
): Promise<number | null> {
  return db.transaction().execute(async (trx) => {
    const call = await trx.selectFrom("calls").select("id").where("recording_name", "=", r.recordingName).executeTakeFirst();
    if (!call) return null;
    const row = await trx
      .insertInto("recording_downloads")
      .values({ call_id: call.id, recording_name: r.recordingName, last_error: r.error?.slice(0, 500) ?? null })
      .onConflict((oc) =>
        oc
          .column("call_id")
          .doUpdateSet({ status: "pending", last_error: r.error?.slice(0, 500) ?? null, updated_at: sql`now()` })
          .where("recording_downloads.status", "<>", "done"),
      )
      .returning("call_id")
      .executeTakeFirst();
    if (!row) return call.id; // already downloaded
    await addJob(trx, RECORDING_DOWNLOAD_TASK, { callId: call.id }, { runAt: r.runAt, jobKey: recordingJobKey(call.id), maxAttempts: r.maxAttempts ?? 12 });
    return call.id;
  });
}

/** What the job needs to download a pending recording (undefined: nothing pending for this call). */
export async function pendingRecordingDownload(db: DB, callId: number) {
  return db
    .selectFrom("recording_downloads")
    .innerJoin("calls", "calls.id", "recording_downloads.call_id")
    .leftJoin("telephony_nodes", "telephony_nodes.node_id", "calls.node_id")
    .select(["recording_downloads.call_id", "recording_downloads.recording_name", "calls.started_at", "telephony_nodes.ari_url"])
    .where("recording_downloads.call_id", "=", callId)
    .where("recording_downloads.status", "=", "pending")
    .executeTakeFirst();
}

/** A download attempt failed: counted with its error; `final` (no attempts left) marks the row failed. */
export async function recordingDownloadFailed(db: DB, callId: number, error: string, final: boolean): Promise<void> {
  await db
    .updateTable("recording_downloads")
    .set({
      attempts: sql`attempts + 1`,
      last_error: error.slice(0, 500),
      updated_at: sql`now()`,
      ...(final ? { status: "failed" as const } : {}),
    })
    .where("call_id", "=", callId)
    .where("status", "=", "pending")
    .execute();
}
