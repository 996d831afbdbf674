import { sql } from "kysely";
import { RecordingStore } from "../../platform/recording-store";
import { callForRecording, recordingStored } from "../../services/calls";
import { queueRecordingDownload } from "../../services/recording-downloads";
import type { AriEvent } from "../ari";
import type { TelephonyContext } from "../context";

/**
 * RecordingFinished: the bridge recording is downloaded from Asterisk (`recordings.getStoredFile`, the
 * operation: ari-client 2.2.0's StoredRecording instance method of the same name throws) into the
 * recording store, and the call gets its recordings row (key, size, SHA-256, duration). When three quick
 * tries fail, the download is handed to the workers (services/recording-downloads.ts: a pending row and a
 * recording__download job), so a recording is never given up on while Asterisk still has it.
 */
export async function onRecordingFinished(ctx: TelephonyContext, event: AriEvent): Promise<void> {
  const name = event.recording?.name;
  if (!name) return;
  await fetchRecording(ctx, name);
}

export async function fetchRecording(ctx: TelephonyContext, recordingName: string): Promise<boolean> {
  const call = await callForRecording(ctx.db, recordingName);
  if (!call) {
    ctx.log.debug(`recording ${recordingName} belongs to no call`);
    return false;
  }
  let data: Buffer | null = null;
  for (let attempt = 0; attempt < 3 && data === null; attempt++) {
    try {
      const file = await ctx.ari().recordings.getStoredFile({ recordingName });
      data = Buffer.isBuffer(file) ? file : Buffer.from(file as ArrayBuffer);
    } catch (error) {
      if (attempt === 2) {
        // not lost: the workers retry it (recording__download) with growing waits until it succeeds
        const callId = await queueRecordingDownload(ctx.db, {
          recordingName,
          error: error instanceof Error ? error.message : String(error),
          maxAttempts: ctx.env.RECORDING_DOWNLOAD_MAX_ATTEMPTS,
        });
        ctx.log.warn(`call ${callId ?? call.callId}: recording ${recordingName} not downloaded yet; the workers will retry: ${String(error)}`);
        return false;
      }
      await new Promise((r) => setTimeout(r, 300 * (attempt + 1)));
    }
  }
  const info = await ctx.store.save(RecordingStore.keyForCall(call.callId, call.startedAt), data!);
  await recordingStored(ctx.db, recordingName, info);
  ctx.log.info(`call ${call.callId}: recording stored (${info.durationSeconds ?? "?"} s, ${info.sizeBytes} bytes)`);
  return true;
}

/**
 * Recordings whose RecordingFinished this process may have missed (it was disconnected): calls of this
 * process that ended a little while ago with a recording name and no stored recording.
 */
export async function fetchMissedRecordings(ctx: TelephonyContext): Promise<void> {
  const rows = await ctx.db
    .selectFrom("calls")
    .select(["id", "recording_name"])
    .where("node_id", "=", ctx.nodeId)
    .where("state", "=", "ended")
    .where("recording_name", "is not", null)
    .where("ended_at", "<", sql<Date>`now() - interval '10 seconds'`)
    .where("ended_at", ">", sql<Date>`now() - interval '1 hour'`)
    .where((eb) => eb.not(eb.exists(eb.selectFrom("recordings").select("recordings.id").whereRef("recordings.call_id", "=", "calls.id"))))
    .limit(10)
    .execute();
  for (const row of rows) {
    try {
      await fetchRecording(ctx, row.recording_name!);
    } catch (error) {
      ctx.log.debug(`call ${row.id}: recording ${row.recording_name} not fetched yet: ${String(error)}`);
    }
  }
}
