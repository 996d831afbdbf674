/**
 * `recording__download` {callId}: one try at a call recording whose download failed in telephony
 * (services/recording-downloads.ts). The recording is fetched over ARI's REST API (platform/ari-recordings.ts)
 * from the Asterisk of the telephony process that handled the call (its telephony_nodes.ari_url; ARI_URL
 * when unknown), saved in the recording store and attached to the call (services/calls.ts recordingStored,
 * which marks the download done). A failure throws, so graphile-worker tries again after a growing wait;
 * the last attempt marks the download failed instead.
 */
import type { Task } from "graphile-worker";
import { z } from "zod";
import type { DB } from "../../db/connection";
import { downloadStoredRecording } from "../../platform/ari-recordings";
import { RecordingStore } from "../../platform/recording-store";
import { recordingStored } from "../../services/calls";
import { pendingRecordingDownload, recordingDownloadFailed } from "../../services/recording-downloads";

export const recordingDownloadPayload = z.object({ callId: z.number().int().positive() });

export interface RecordingDownloadDeps {
  db: DB;
  store: RecordingStore;
  ari: { defaultUrl: string; user: string; password: string; timeoutMs?: number };
}

export type RecordingDownloadResult = "stored" | "nothing_pending" | "failed";

/** The step (tests call it directly): throws while attempts remain, so the job is retried. */
export async function downloadPendingRecording(
  deps: RecordingDownloadDeps,
  callId: number,
  attempt: { number: number; max: number },
): Promise<RecordingDownloadResult> {
  const pending = await pendingRecordingDownload(deps.db, callId);
  if (!pending) return "nothing_pending";
  try {
    const data = await downloadStoredRecording(
      { baseUrl: pending.ari_url ?? deps.ari.defaultUrl, user: deps.ari.user, password: deps.ari.password, timeoutMs: deps.ari.timeoutMs },
      pending.recording_name,
    );
    const info = await deps.store.save(RecordingStore.keyForCall(callId, pending.started_at), data);
    await recordingStored(deps.db, pending.recording_name, info);
    return "stored";
  } catch (error) {
    const final = attempt.number >= attempt.max;
    await recordingDownloadFailed(deps.db, callId, error instanceof Error ? error.message : String(error), final);
    if (final) return "failed";
    throw error;
  }
}

export function recordingDownloadTask(deps: RecordingDownloadDeps): Task {
  return async (payload, helpers) => {
    const parsed = recordingDownloadPayload.safeParse(payload);
    if (!parsed.success) {
      helpers.logger.error(`recording__download: invalid payload ${JSON.stringify(payload)?.slice(0, 200)}`);
      return;
    }
    const { callId } = parsed.data;
    // helpers.job.attempts counts this attempt already
    const result = await downloadPendingRecording(deps, callId, { number: helpers.job.attempts, max: helpers.job.max_attempts });
    if (result === "stored") helpers.logger.info(`call ${callId}: recording downloaded`);
    if (result === "failed") helpers.logger.error(`call ${callId}: recording download given up (see recording_downloads.last_error)`);
  };
}
