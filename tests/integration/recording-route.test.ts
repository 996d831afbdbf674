import { mkdtemp, readFile, rm, unlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { AppLoadContext } from "@remix-run/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loader as recordingLoader } from "../../app/routes/recordings.$recordingId";
import { sessionCookie } from "../../app/lib/auth.server";
import { createSession } from "../../db/repos/sessions";
import { RecordingStore } from "../../platform/recording-store";
import { conversationWav } from "../../platform/wav";
import type { DB } from "../../db/connection";
import { getTestDb, resetDatabase } from "../support/db";
import { testContext } from "../support/context";

/*
 * GET /recordings/:id — the ticket page's audio: signed-in users who may read tickets, for a call attached
 * to a ticket; agencies never. Streams the stored file with HTTP range support; everything not allowed or
 * not there is the same 404.
 */

let db: DB;
let ctx: AppLoadContext;
let dir: string;
const cookies: Record<string, string> = {};
const rec: Record<"attached" | "onlyCallsTicketId" | "unattached" | "missingFile", number> = {} as never;
let file: Buffer;

async function get(id: number | string, who: string | null, headers: Record<string, string> = {}, method = "GET") {
  const h = new Headers(headers);
  if (who) h.set("Cookie", cookies[who]!);
  const request = new Request(`http://localhost/recordings/${id}`, { method, headers: h });
  try {
    return (await recordingLoader({ request, context: ctx, params: { recordingId: String(id) } } as never)) as Response;
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

const bytes = async (res: Response) => Buffer.from(await res.arrayBuffer());

beforeAll(async () => {
  db = await getTestDb();
  await resetDatabase(db);
  dir = await mkdtemp(path.join(tmpdir(), "recording-route-"));
  const base = testContext(db);
  ctx = { ...base, env: { ...base.env, recordingsDir: dir } };
  const store = new RecordingStore(dir);

  const [agency] = await db.insertInto("agencies").values({ code: "THR-001", name: "الف", province: "تهران", city: "تهران" }).returning("id").execute();
  const users = await db
    .insertInto("users")
    .values([
      { username: "oper", display_name: "اپراتور", role: "operator", password_hash: "x" },
      { username: "boss", display_name: "مدیر", role: "manager", password_hash: "x" },
      { username: "agent", display_name: "نماینده", role: "agency_admin", agency_id: agency!.id, password_hash: "x" },
    ])
    .returning(["id", "username"])
    .execute();
  for (const u of users) {
    const s = await createSession(db, { userId: u.id, ip: "127.0.0.1", userAgent: "test" });
    cookies[u.username] = (await sessionCookie(ctx).serialize(s.id)).split(";")[0]!;
  }
  const customer = await db.insertInto("customers").values({ full_name: "مشتری", mobile: "+989121234567" }).returning("id").executeTakeFirstOrThrow();
  // the ticket is the agency's own job: even so, the call centre's recordings are not for it
  const ticket = await db
    .insertInto("tickets")
    .values({ number: 10_000_001, type: "breakdown", channel: "phone", customer_id: customer.id, warranty_status: "unknown", status: "assigned", assigned_agency_id: agency!.id })
    .returning("id")
    .executeTakeFirstOrThrow();

  const at = new Date("2026-11-30T08:00:00Z");
  file = conversationWav(3, 7);
  const makeCall = async (linked: "ticket_calls" | "none") => {
    const call = await db
      .insertInto("calls")
      .values({ direction: "inbound", caller_number: "+989121234567", called_number: "02100000000", started_at: at, ended_at: at, disposition: "answered", talk_seconds: 3 })
      .returning("id")
      .executeTakeFirstOrThrow();
    if (linked === "ticket_calls") await db.insertInto("ticket_calls").values({ ticket_id: ticket.id, call_id: call.id }).execute();
    const info = await store.save(RecordingStore.keyForCall(call.id, at), file);
    const row = await db
      .insertInto("recordings")
      .values({ call_id: call.id, storage_key: info.key, format: "wav", duration_seconds: info.durationSeconds, size_bytes: info.sizeBytes, checksum_sha256: info.sha256 })
      .returning(["id", "storage_key"])
      .executeTakeFirstOrThrow();
    return row;
  };
  rec.attached = (await makeCall("ticket_calls")).id;
  rec.unattached = (await makeCall("none")).id;
  const gone = await makeCall("ticket_calls");
  await unlink(store.pathOf(gone.storage_key));
  rec.missingFile = gone.id;
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("GET /recordings/:id", () => {
  it("streams the whole file as audio/wav to the call centre, privately cached, ranges offered", async () => {
    for (const who of ["oper", "boss"]) {
      const res = await get(rec.attached, who);
      expect(res.status, who).toBe(200);
      expect(res.headers.get("Content-Type")).toBe("audio/wav");
      expect(res.headers.get("Accept-Ranges")).toBe("bytes");
      expect(res.headers.get("Content-Length")).toBe(String(file.length));
      expect(res.headers.get("Cache-Control")).toMatch(/^private/);
      expect((await bytes(res)).equals(file)).toBe(true);
    }
  });

  it("answers a range with 206 and exactly those bytes (open-ended and suffix ranges too)", async () => {
    const res = await get(rec.attached, "oper", { Range: "bytes=0-43" });
    expect(res.status).toBe(206);
    expect(res.headers.get("Content-Range")).toBe(`bytes 0-43/${file.length}`);
    expect(res.headers.get("Content-Length")).toBe("44");
    expect((await bytes(res)).equals(file.subarray(0, 44))).toBe(true);

    const tail = await get(rec.attached, "oper", { Range: "bytes=-100" });
    expect(tail.status).toBe(206);
    expect(tail.headers.get("Content-Range")).toBe(`bytes ${file.length - 100}-${file.length - 1}/${file.length}`);
    expect((await bytes(tail)).equals(file.subarray(file.length - 100))).toBe(true);

    const open = await get(rec.attached, "oper", { Range: `bytes=${file.length - 10}-` });
    expect(open.status).toBe(206);
    expect((await bytes(open)).equals(file.subarray(file.length - 10))).toBe(true);
  });

  it("answers an unsatisfiable range with 416 and the size", async () => {
    const res = await get(rec.attached, "oper", { Range: `bytes=${file.length}-` });
    expect(res.status).toBe(416);
    expect(res.headers.get("Content-Range")).toBe(`bytes */${file.length}`);
  });

  it("answers HEAD with the headers only", async () => {
    const res = await get(rec.attached, "oper", {}, "HEAD");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Length")).toBe(String(file.length));
    expect(res.body).toBeNull();
  });

  it("is the same 404 for an agency (even on its own job), an unattached call, a missing file or recording, a bad id", async () => {
    const cases: [number | string, string][] = [
      [rec.attached, "agent"],
      [rec.unattached, "oper"],
      [rec.missingFile, "oper"],
      [rec.attached + 1000, "oper"],
      ["12x", "oper"],
      ["-1", "oper"],
    ];
    const bodies = new Set<string>();
    for (const [id, who] of cases) {
      const res = await get(id, who);
      expect(res.status, `${id} as ${who}`).toBe(404);
      expect(res.headers.get("Content-Type") ?? "").not.toMatch(/audio/);
      bodies.add(await res.text());
    }
    expect(bodies.size).toBe(1);
  });

  it("sends a visitor without a session to sign in, and never the audio", async () => {
    const res = await get(rec.attached, null);
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toMatch(/^\/login\?redirectTo=/);
  });

  it("stores what it serves: the file on disk is the one served", async () => {
    const row = await db.selectFrom("recordings").select("storage_key").where("id", "=", rec.attached).executeTakeFirstOrThrow();
    expect((await readFile(path.join(dir, ...row.storage_key.split("/")))).equals(file)).toBe(true);
  });
});
