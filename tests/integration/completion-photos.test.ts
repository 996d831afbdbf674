/**
 * Issue 13, section 3 ("photos optional") on real PostgreSQL and a real photo store on disk: photos sent with
 * the completion report — from the agency's job page (the real route action, a real multipart body) and the
 * technician's "done" — are taken only when they are JPEG/PNG/WebP by their bytes, within the size and count
 * limits (a refusal gives back what was typed), stored with their SHA-256 in the report's transaction (files
 * removed when it fails), and served by /photos/:id only to those who may read the ticket (another agency and
 * no session: the same 404), and by the technician's own link.
 */
import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { AppLoadContext } from "@remix-run/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sessionCookie } from "../../app/lib/auth.server";
import { action as agencyTicketAction } from "../../app/routes/agency.tickets.$ticketId";
import { loader as linkPhotoLoader } from "../../app/routes/j_.$token.photos.$photoId";
import { loader as photoLoader } from "../../app/routes/photos.$photoId";
import { MAX_PHOTO_BYTES, sniffPhotoType } from "../../core/photos";
import type { DB } from "../../db/connection";
import { createSession } from "../../db/repos/sessions";
import { PhotoStore } from "../../platform/photo-store";
import { assignTechnician } from "../../services/assignments";
import { completeJob, JobReportInputError, NotYourJobError } from "../../services/job-completion";
import { pressJobAction } from "../../services/technician-links";
import { testContext } from "../support/context";
import { getTestDb, resetDatabase } from "../support/db";

const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from("JFIF\0 a tiny jpeg body"), Buffer.from([0xff, 0xd9])]);
const WEBP = Buffer.concat([Buffer.from("RIFF"), Buffer.from([0x1a, 0, 0, 0]), Buffer.from("WEBPVP8L"), Buffer.alloc(14, 1)]);
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

let db: DB;
let ctx: AppLoadContext;
let dir: string;
let store: PhotoStore;
let agencyA: number;
let agencyB: number;
let techA: number;
let userA: number;
let customerId: number;
const cookies: Record<string, string> = {};
const links = { baseUrl: "https://service.example.ir", trackingSecret: "tracking-secret-for-tests" };

async function jobInProgress(agencyId = agencyA) {
  const t = await db
    .insertInto("tickets")
    .values({
      type: "breakdown",
      channel: "phone",
      customer_id: customerId,
      warranty_status: "in_warranty",
      status: "in_progress",
      assigned_agency_id: agencyId,
      technician_id: agencyId === agencyA ? techA : null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return t.id;
}

async function storedFiles(): Promise<string[]> {
  try {
    return (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
  } catch {
    return [];
  }
}

async function call<T>(fn: () => Promise<T>): Promise<T | Response> {
  try {
    return await fn();
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

function postCompletion(ticketId: number, files: { bytes: Uint8Array; type: string; name: string }[], fields: Record<string, string> = {}) {
  const form = new FormData();
  form.set("intent", "complete");
  form.set("workDone", "تعویض کمپرسور\u0000 و شارژ گاز");
  form.set("partName0", "کمپرسور");
  form.set("partSerial0", "CMP-778");
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  for (const f of files) form.append("photos", new Blob([Buffer.from(f.bytes)], { type: f.type }), f.name);
  const request = new Request(`http://localhost/agency/tickets/${ticketId}`, { method: "POST", body: form, headers: { Cookie: cookies.agencya! } });
  return call(() => agencyTicketAction({ request, context: ctx, params: { ticketId: String(ticketId) } } as never) as Promise<Response>);
}

async function getPhoto(id: number | string, who: string | null) {
  const headers = new Headers();
  if (who) headers.set("Cookie", cookies[who]!);
  const request = new Request(`http://localhost/photos/${id}`, { headers });
  return (await call(() => photoLoader({ request, context: ctx, params: { photoId: String(id) } } as never))) as Response;
}

beforeAll(async () => {
  db = await getTestDb();
  await resetDatabase(db);
  dir = await mkdtemp(path.join(tmpdir(), "completion-photos-"));
  store = new PhotoStore(dir);
  const base = testContext(db);
  ctx = { ...base, env: { ...base.env, photosDir: dir } };
  const [a, b] = await db
    .insertInto("agencies")
    .values([
      { code: "THR-001", name: "نمایندگی مرکزی تهران", province: "تهران", city: "تهران", phones: ["02188776655"] },
      { code: "THR-002", name: "نمایندگی غرب تهران", province: "تهران", city: "تهران" },
    ])
    .returning("id")
    .execute();
  agencyA = a!.id;
  agencyB = b!.id;
  techA = (await db.insertInto("technicians").values({ agency_id: agencyA, full_name: "رضا کاظمی", mobile: "+989121000001" }).returning("id").executeTakeFirstOrThrow()).id;
  const users = await db
    .insertInto("users")
    .values([
      { username: "agencya", display_name: "حسن اکبری", role: "agency_admin", password_hash: "x", agency_id: agencyA },
      { username: "agencyb", display_name: "سارا نوری", role: "agency_admin", password_hash: "x", agency_id: agencyB },
      { username: "boss", display_name: "مدیر", role: "manager", password_hash: "x" },
      { username: "oper", display_name: "اپراتور", role: "operator", password_hash: "x" },
    ])
    .returning(["id", "username"])
    .execute();
  userA = users[0]!.id;
  for (const u of users) {
    const s = await createSession(db, { userId: u.id, ip: "127.0.0.1", userAgent: "test" });
    cookies[u.username] = (await sessionCookie(ctx).serialize(s.id)).split(";")[0]!;
  }
  customerId = (await db.insertInto("customers").values({ full_name: "مریم احمدی", mobile: "+989127654321" }).returning("id").executeTakeFirstOrThrow()).id;
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("what a photo is", () => {
  it("is read from its magic bytes, whatever it is called", () => {
    expect(sniffPhotoType(PNG)).toBe("image/png");
    expect(sniffPhotoType(JPEG)).toBe("image/jpeg");
    expect(sniffPhotoType(WEBP)).toBe("image/webp");
    expect(sniffPhotoType(Buffer.from("<script>alert(1)</script>"))).toBeNull();
    expect(sniffPhotoType(Buffer.from("GIF89a......"))).toBeNull();
  });
});

describe("completeJob with photos", () => {
  it("stores each photo with its sniffed type, size and SHA-256, in the report's transaction", async () => {
    const ticketId = await jobInProgress();
    const r = await completeJob(
      db,
      { kind: "agency", userId: userA, ip: "10.0.0.1" },
      { ticketId, agencyId: agencyA, workDone: "تعویض ترموستات", parts: [], photos: [{ bytes: PNG }, { bytes: JPEG }, { bytes: WEBP }] },
      { links, photoStore: store },
    );
    const rows = await db.selectFrom("completion_photos").selectAll().where("ticket_id", "=", ticketId).orderBy("id").execute();
    expect(rows.map((p) => [p.report_id, p.content_type, p.size_bytes, p.sha256, p.source, p.link_id])).toEqual([
      [r.reportId, "image/png", PNG.length, sha(PNG), "portal", null],
      [r.reportId, "image/jpeg", JPEG.length, sha(JPEG), "portal", null],
      [r.reportId, "image/webp", WEBP.length, sha(WEBP), "portal", null],
    ]);
    for (const [i, bytes] of [PNG, JPEG, WEBP].entries()) {
      expect(sha(await readFile(store.pathOf(rows[i]!.storage_key)))).toBe(sha(bytes));
    }
    // no temporary file is left behind
    expect((await storedFiles()).filter((f) => f.endsWith(".part"))).toEqual([]);
    const report = await db.selectFrom("ticket_events").select("data").where("ticket_id", "=", ticketId).where("event_type", "=", "job_report").executeTakeFirstOrThrow();
    expect(report.data).toMatchObject({ photo_ids: rows.map((p) => p.id) });
  });

  it("refuses a non-image, too large and too many photos, writing nothing", async () => {
    const ticketId = await jobInProgress();
    const before = (await storedFiles()).length;
    const attempt = (photos: Uint8Array[]) =>
      completeJob(db, { kind: "agency", userId: userA }, { ticketId, agencyId: agencyA, workDone: "کار", parts: [], photos: photos.map((bytes) => ({ bytes })) }, { photoStore: store });
    const problem = async (photos: Uint8Array[]) => {
      const e = await attempt(photos).catch((err: unknown) => err);
      expect(e).toBeInstanceOf(JobReportInputError);
      return (e as JobReportInputError).problem;
    };
    expect(await problem([PNG, Buffer.from("%PDF-1.4 not an image")])).toBe("photoType");
    expect(await problem([Buffer.concat([PNG, Buffer.alloc(MAX_PHOTO_BYTES)])])).toBe("photoTooLarge");
    expect(await problem([PNG, PNG, PNG, PNG, PNG])).toBe("tooManyPhotos");
    expect(await db.selectFrom("completion_photos").select("id").where("ticket_id", "=", ticketId).execute()).toEqual([]);
    expect((await db.selectFrom("tickets").select("status").where("id", "=", ticketId).executeTakeFirstOrThrow()).status).toBe("in_progress");
    expect((await storedFiles()).length).toBe(before);
  });

  it("removes the files it wrote when the report's transaction fails", async () => {
    const ticketId = await jobInProgress(agencyB);
    const before = (await storedFiles()).length;
    await expect(
      completeJob(db, { kind: "agency", userId: userA }, { ticketId, agencyId: agencyA, workDone: "کار", parts: [], photos: [{ bytes: PNG }] }, { photoStore: store }),
    ).rejects.toBeInstanceOf(NotYourJobError);
    expect((await storedFiles()).length).toBe(before);
  });
});

describe("the agency's completion form (multipart)", () => {
  it("takes the report with its photos; text fields are cleaned as every form's", async () => {
    const ticketId = await jobInProgress();
    const res = (await postCompletion(ticketId, [
      { bytes: PNG, type: "image/png", name: "before.png" },
      { bytes: JPEG, type: "image/jpeg", name: "after.jpg" },
    ])) as Response;
    expect(res.status).toBe(302);
    const report = await db.selectFrom("completion_reports").select(["id", "work_description"]).where("ticket_id", "=", ticketId).executeTakeFirstOrThrow();
    expect(report.work_description).toBe("تعویض کمپرسور و شارژ گاز");
    const photos = await db.selectFrom("completion_photos").select(["content_type", "sha256", "source"]).where("report_id", "=", report.id).orderBy("id").execute();
    expect(photos).toEqual([
      { content_type: "image/png", sha256: sha(PNG), source: "portal" },
      { content_type: "image/jpeg", sha256: sha(JPEG), source: "portal" },
    ]);
    // an empty file input (no photo chosen) is no photo
    const other = await jobInProgress();
    expect(((await postCompletion(other, [{ bytes: new Uint8Array(0), type: "application/octet-stream", name: "" }])) as Response).status).toBe(302);
  });

  it("refuses a disguised file, an oversized one and too many with a clear message, giving back what was typed", async () => {
    const ticketId = await jobInProgress();
    const cases: [Parameters<typeof postCompletion>[1], string][] = [
      [[{ bytes: Buffer.from("#!/bin/sh\necho hi"), type: "image/png", name: "photo.png" }], "job.error.photoType"],
      [[{ bytes: Buffer.concat([PNG, Buffer.alloc(MAX_PHOTO_BYTES)]), type: "image/png", name: "huge.png" }], "job.error.photoTooLarge"],
      [Array.from({ length: 5 }, (_, i) => ({ bytes: PNG, type: "image/png", name: `p${i}.png` })), "job.error.tooManyPhotos"],
    ];
    for (const [files, error] of cases) {
      const res = (await postCompletion(ticketId, files, { invoice: "1200000" })) as Response;
      expect(res.status).toBe(400);
      const body = (await res.json()) as { intent: string; error: string; values: Record<string, string> };
      expect(body.error).toBe(error);
      expect(body.intent).toBe("complete");
      expect(body.values).toMatchObject({ workDone: "تعویض کمپرسور و شارژ گاز", partName0: "کمپرسور", partSerial0: "CMP-778", invoice: "1200000" });
    }
    expect((await db.selectFrom("tickets").select("status").where("id", "=", ticketId).executeTakeFirstOrThrow()).status).toBe("in_progress");
    expect(await db.selectFrom("completion_photos").select("id").where("ticket_id", "=", ticketId).execute()).toEqual([]);
  });
});

describe("GET /photos/:id", () => {
  it("serves a photo to staff and to the agency whose report it is; another agency and no session get the same 404", async () => {
    const ticketId = await jobInProgress();
    await completeJob(db, { kind: "agency", userId: userA }, { ticketId, agencyId: agencyA, workDone: "کار", parts: [], photos: [{ bytes: PNG }] }, { photoStore: store });
    const photo = await db.selectFrom("completion_photos").select("id").where("ticket_id", "=", ticketId).executeTakeFirstOrThrow();
    for (const who of ["boss", "oper", "agencya"]) {
      const res = await getPhoto(photo.id, who);
      expect(res.status).toBe(200);
      expect(res.headers.get("Content-Type")).toBe("image/png");
      expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
      expect(Buffer.from(await res.arrayBuffer()).equals(PNG)).toBe(true);
    }
    const refused = [await getPhoto(photo.id, "agencyb"), await getPhoto(photo.id, null), await getPhoto(999_999, "boss"), await getPhoto("abc", "boss")];
    expect(refused.map((r) => r.status)).toEqual([404, 404, 404, 404]);
    const texts = await Promise.all(refused.map((r) => r.text()));
    expect(new Set(texts).size).toBe(1);
  });
});

describe("the technician's done with photos", () => {
  it("stores them with the link, which alone (besides the ticket's readers) may show them", async () => {
    const t = await db
      .insertInto("tickets")
      .values({ type: "breakdown", channel: "phone", customer_id: customerId, warranty_status: "in_warranty", status: "assigned", assigned_agency_id: agencyA })
      .returning("id")
      .executeTakeFirstOrThrow();
    await db
      .insertInto("dispatch_offers")
      .values({ ticket_id: t.id, agency_id: agencyA, status: "accepted", offered_at: new Date(Date.now() - 3_600_000), deadline_at: new Date(), responded_at: new Date() })
      .execute();
    const visitFrom = new Date(Date.now() + 2 * 3_600_000);
    const { token } = await assignTechnician(
      db,
      { kind: "agency", userId: userA },
      { ticketId: t.id, technicianId: techA, agencyId: agencyA, visitFrom, visitTo: new Date(visitFrom.getTime() + 7_200_000) },
      { links },
    );
    const lctx = { ip: "10.7.0.1", daysAfterClose: 7, links, photoStore: store };
    await pressJobAction(db, token, { action: "arrived" }, lctx);
    await pressJobAction(db, token, { action: "done", workDone: "تعویض فن", parts: [], photos: [{ bytes: WEBP }] }, lctx);
    const photo = await db.selectFrom("completion_photos").select(["id", "source", "link_id", "sha256"]).where("ticket_id", "=", t.id).executeTakeFirstOrThrow();
    const link = await db.selectFrom("technician_links").select("id").where("ticket_id", "=", t.id).executeTakeFirstOrThrow();
    expect(photo).toEqual({ id: photo.id, source: "link", link_id: link.id, sha256: sha(WEBP) });
    const viaLink = async (tok: string, id: number) =>
      (await call(() => linkPhotoLoader({ request: new Request(`http://localhost/j/${tok}/photos/${id}`), context: ctx, params: { token: tok, photoId: String(id) } } as never))) as Response;
    const ok = await viaLink(token, photo.id);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("Content-Type")).toBe("image/webp");
    // a photo the link did not send, and a made-up token: 404
    const portalPhoto = await db.selectFrom("completion_photos").select("id").where("source", "=", "portal").executeTakeFirstOrThrow();
    expect((await viaLink(token, portalPhoto.id)).status).toBe(404);
    expect((await viaLink("A".repeat(43), photo.id)).status).toBe(404);
    // the agency reads it on its job page too
    expect((await getPhoto(photo.id, "agencya")).status).toBe(200);
    expect((await getPhoto(photo.id, "agencyb")).status).toBe(404);
  });
});
