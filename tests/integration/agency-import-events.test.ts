/**
 * The agency CSV import's progress, pushed (issue 14 §5): the agency__import job NOTIFYs each step on
 * AGENCY_IMPORT_CHANNEL (validating, importing every 25 rows, done with the import's commit; failed with its
 * report), and the web process's one LISTEN connection streams the steps of an import to the pages that follow
 * it (/manager/agencies/import/events?id=…), never another import's.
 */
import type { AppLoadContext } from "@remix-run/node";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDeskEventHubs } from "../../app/lib/desk-events.server";
import { sessionCookie } from "../../app/lib/auth.server";
import * as importEvents from "../../app/routes/manager.agencies_.import_.events";
import { AGENCY_IMPORT_CHANNEL, importPercent, parseAgencyImportPayload, type AgencyImportEvent } from "../../core/agency-import-events";
import { connectionUrlOf, type DB } from "../../db/connection";
import { createSession } from "../../db/repos/sessions";
import { requestAgencyImport, runAgencyImport } from "../../services/agency-import";
import { testContext } from "../support/context";
import { getTestDb, resetDatabase } from "../support/db";

let db: DB;
let ctx: AppLoadContext;
let managerId: number;
let cookie: string;
let listener: pg.Client;
const heard: AgencyImportEvent[] = [];

const header = "code,name,mobile,province,city,lat,lng,service_radius_km,daily_job_capacity,service_areas";
const csv = (prefix: string, n: number) => new TextEncoder().encode([header, ...Array.from({ length: n }, (_, i) => `${prefix}-${i + 1},نمایندگی ${i + 1},09131110000,یزد,یزد,31.9,54.3,20,5,یزد/یزد`)].join("\n"));
const manager = () => ({ kind: "user" as const, userId: managerId });

async function readEvents(body: ReadableStream<Uint8Array>, until: (events: { event: string; data: string }[]) => boolean, ms = 15_000) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let raw = "";
  const events: { event: string; data: string }[] = [];
  const deadline = Date.now() + ms;
  try {
    while (!until(events)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out; stream so far:\n${raw}`);
      const chunk = await Promise.race([reader.read(), new Promise<"timeout">((r) => setTimeout(() => r("timeout"), left))]);
      if (chunk === "timeout") continue;
      if (chunk.done) break;
      raw += decoder.decode(chunk.value, { stream: true });
      events.length = 0;
      for (const block of raw.split("\n\n").slice(0, -1)) {
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event) events.push({ event, data: data ?? "" });
      }
    }
  } finally {
    reader.releaseLock();
  }
  return events;
}

beforeAll(async () => {
  db = await getTestDb();
  await resetDatabase(db);
  ctx = testContext(db);
  managerId = (await db.insertInto("users").values({ username: "boss", display_name: "مدیر", role: "manager", password_hash: "x" }).returning("id").executeTakeFirstOrThrow()).id;
  const s = await createSession(db, { userId: managerId, ip: null, userAgent: null });
  cookie = (await sessionCookie(ctx).serialize(s.id)).split(";")[0]!;
  listener = new pg.Client({ connectionString: connectionUrlOf(db) });
  await listener.connect();
  listener.on("notification", (m) => {
    const e = m.channel === AGENCY_IMPORT_CHANNEL ? parseAgencyImportPayload(m.payload ?? "") : null;
    if (e) heard.push(e);
  });
  await listener.query(`LISTEN ${AGENCY_IMPORT_CHANNEL}`);
});

afterAll(async () => {
  await listener?.end();
  await closeDeskEventHubs();
});

describe("the import job's NOTIFY", () => {
  it("tells each step of a good import, in order, ending with done at 100%", async () => {
    heard.length = 0;
    const { importId } = await requestAgencyImport(db, manager(), { filename: "yazd.csv", bytes: csv("YZD", 60) });
    await runAgencyImport(db, importId);
    await expect.poll(() => heard.at(-1)?.status).toBe("done");
    expect(heard.map((e) => [e.status, e.processed, e.total])).toEqual([
      ["validating", 0, null],
      ["importing", 0, 60],
      ["importing", 25, 60],
      ["importing", 50, 60],
      ["done", 60, 60],
    ]);
    expect(heard.every((e) => e.importId === importId)).toBe(true);
    expect(heard.map(importPercent)).toEqual([0, 0, 41, 83, 100]);
  });

  it("tells a failed import with its total", async () => {
    heard.length = 0;
    const { importId } = await requestAgencyImport(db, manager(), { filename: "bad.csv", bytes: csv("YZD", 3) });
    await runAgencyImport(db, importId);
    await expect.poll(() => heard.at(-1)?.status).toBe("failed");
    expect(heard.at(-1)).toEqual({ type: "import_progress", importId, status: "failed", processed: 0, total: 3 });
  });

  it("refuses malformed payloads", () => {
    expect(parseAgencyImportPayload("{")).toBeNull();
    expect(parseAgencyImportPayload(JSON.stringify({ importId: 1, status: "lost", processed: 0, total: 1 }))).toBeNull();
    expect(parseAgencyImportPayload(JSON.stringify({ importId: 0, status: "done", processed: 0, total: 1 }))).toBeNull();
    expect(parseAgencyImportPayload(JSON.stringify({ importId: 2, status: "importing", processed: -1, total: 1 }))).toBeNull();
  });
});

describe("the page's event stream", () => {
  it("streams the steps of the import it follows, and not another import's", async () => {
    const { importId } = await requestAgencyImport(db, manager(), { filename: "kerman.csv", bytes: csv("KRM", 30) });
    const other = await requestAgencyImport(db, manager(), { filename: "other.csv", bytes: csv("OTH", 30) });
    const abort = new AbortController();
    const res = (await importEvents.loader({
      request: new Request(`http://localhost/manager/agencies/import/events?id=${importId}`, { headers: { Cookie: cookie }, signal: abort.signal }),
      context: ctx,
      params: {},
    } as never)) as Response;
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toContain("text/event-stream");
    const body = res.body!;
    await readEvents(body, (es) => es.some((e) => e.event === "ready"));
    await runAgencyImport(db, other.importId);
    await runAgencyImport(db, importId);
    const events = await readEvents(body, (es) => es.some((e) => e.event === "import_progress" && JSON.parse(e.data).status === "done"));
    const steps = events.filter((e) => e.event === "import_progress").map((e) => JSON.parse(e.data) as AgencyImportEvent);
    expect(steps.map((s) => s.importId)).toEqual(steps.map(() => importId));
    expect(steps.map((s) => [s.status, s.processed])).toEqual([
      ["validating", 0],
      ["importing", 0],
      ["importing", 25],
      ["done", 30],
    ]);
    abort.abort();
  });
});
