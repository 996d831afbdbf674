/**
 * The satisfaction page's low scores on a range with many (issue 14: the page stays small on a million
 * tickets): the page shows the newest few and links to all of them; /manager/satisfaction/low pages through
 * every one, newest first, each exactly once (answers at the same instant ordered by id); the export keeps them all.
 */
import type { AppLoadContext } from "@remix-run/node";
import { beforeAll, describe, expect, it } from "vitest";
import { loader as satisfactionLoader } from "../../app/routes/manager.satisfaction._index";
import { loader as satisfactionExport } from "../../app/routes/manager.satisfaction.export";
import { loader as lowLoader } from "../../app/routes/manager.satisfaction.low";
import { loader as surveysLoader } from "../../app/routes/manager.satisfaction.surveys";
import { sessionCookie } from "../../app/lib/auth.server";
import { LOW_SCORES_ON_PAGE, LOW_SCORES_PER_PAGE, SURVEYS_PER_PAGE } from "../../app/lib/voice.server";
import type { DB } from "../../db/connection";
import { createSession } from "../../db/repos/sessions";
import { rebuildCsatDaily } from "../../db/repos/voice";
import { getTestDb, resetDatabase } from "../support/db";
import { testContext } from "../support/context";

let db: DB;
let ctx: AppLoadContext;
let cookie = "";
/** survey ids, newest first (by answer time, then id): the low ones, and all */
let expected: number[] = [];
let everySurvey: number[] = [];
let agencyId = 0;
const LOW = LOW_SCORES_PER_PAGE + 20;

const get = (url: string) => new Request(`http://localhost${url}`, { headers: { Cookie: cookie } });
type LowData = Awaited<ReturnType<typeof lowLoader>>;
const low = async (url: string) => (await lowLoader({ request: get(url), context: ctx, params: {} } as never)) as LowData;

beforeAll(async () => {
  db = await getTestDb();
  await resetDatabase(db);
  ctx = testContext(db);
  const boss = await db.insertInto("users").values({ username: "boss", display_name: "مدیر", role: "manager", password_hash: "x", locale: "fa" }).returning("id").executeTakeFirstOrThrow();
  const s = await createSession(db, { userId: boss.id, ip: "127.0.0.1", userAgent: "test" });
  cookie = (await sessionCookie(ctx).serialize(s.id)).split(";")[0]!;
  const agency = (agencyId = (await db.insertInto("agencies").values({ code: "THR-001", name: "نمایندگی الف", province: "تهران", city: "تهران" }).returning("id").executeTakeFirstOrThrow()).id);
  const customer = (await db.insertInto("customers").values({ full_name: "مینا احمدی", mobile: "+989121234500" }).returning("id").executeTakeFirstOrThrow()).id;
  const tickets = await db
    .insertInto("tickets")
    .values(Array.from({ length: LOW + 5 }, () => ({ type: "breakdown" as const, channel: "phone" as const, customer_id: customer, warranty_status: "in_warranty" as const, status: "completed" as const, assigned_agency_id: agency })))
    .returning("id")
    .execute();
  const hour = 3_600_000;
  // LOW low scores (1 or 2) answered at 12 instants of the last days (ten at each: ties), and five good ones
  const surveys = await db
    .insertInto("satisfaction_surveys")
    .values(
      tickets.map((t, i) => ({
        ticket_id: t.id,
        channel: "ivr_dtmf" as const,
        status: "answered" as const,
        score: i < LOW ? 1 + (i % 2) : 5,
        surveyed_at: new Date(Date.now() - (1 + (i % 12)) * 5 * hour),
      })),
    )
    .returning(["id", "score", "surveyed_at"])
    .execute();
  const newestFirst = surveys.sort((a, b) => b.surveyed_at!.getTime() - a.surveyed_at!.getTime() || b.id - a.id);
  expected = newestFirst.filter((x) => x.score! <= 2).map((x) => x.id);
  everySurvey = newestFirst.map((x) => x.id);
  await rebuildCsatDaily(db);
});

describe("many low scores", () => {
  it("the satisfaction page shows the newest few and links to them all; its figures count every one", async () => {
    const d = (await satisfactionLoader({ request: get("/manager/satisfaction"), context: ctx, params: {} } as never)) as Awaited<ReturnType<typeof satisfactionLoader>>;
    expect(d.total).toMatchObject({ answered: LOW + 5, low: LOW });
    expect(d.lowRows.map((r) => r.survey_id)).toEqual(expected.slice(0, LOW_SCORES_ON_PAGE));
    expect(d.moreLow).toBe(true);
  });

  it("/manager/satisfaction/low pages through every low score once, newest first, and back to the newest", async () => {
    const first = await low("/manager/satisfaction/low");
    expect(first.lowRows.map((r) => r.survey_id)).toEqual(expected.slice(0, LOW_SCORES_PER_PAGE));
    expect(first.newestHref).toBeNull();
    expect(first.olderHref).toMatch(/^\/manager\/satisfaction\/low\?from=.*&to=.*&before=\d+$/);
    const second = await low(first.olderHref!);
    expect(second.lowRows.map((r) => r.survey_id)).toEqual(expected.slice(LOW_SCORES_PER_PAGE));
    expect(second.olderHref).toBeNull();
    expect(second.newestHref).toBe(first.olderHref!.replace(/&before=\d+$/, ""));
    // a cursor that is not a number falls back to the first page
    expect((await low("/manager/satisfaction/low?before=abc")).lowRows.map((r) => r.survey_id)).toEqual(expected.slice(0, LOW_SCORES_PER_PAGE));
  });

  it("the export has every low score, not only the page's", async () => {
    const res = (await satisfactionExport({ request: get("/manager/satisfaction/export?report=low&format=csv"), context: ctx, params: {} } as never)) as Response;
    const lines = (await res.text()).split("\r\n").filter(Boolean);
    expect(lines).toHaveLength(1 + LOW);
  });

  it("the surveys behind an agency's figure come a hundred a page, and their export has them all", async () => {
    type SurveysData = Awaited<ReturnType<typeof surveysLoader>>;
    const surveys = async (url: string) => (await surveysLoader({ request: get(url), context: ctx, params: {} } as never)) as SurveysData;
    const first = await surveys(`/manager/satisfaction/surveys?agency=${agencyId}`);
    expect(first.surveyRows.map((r) => r.id)).toEqual(everySurvey.slice(0, SURVEYS_PER_PAGE));
    expect(first.newestHref).toBeNull();
    expect(first.olderHref).toBe(`/manager/satisfaction/surveys?agency=${agencyId}&before=${everySurvey[SURVEYS_PER_PAGE - 1]}`);
    const second = await surveys(first.olderHref!);
    expect(second.surveyRows.map((r) => r.id)).toEqual(everySurvey.slice(SURVEYS_PER_PAGE));
    expect([second.olderHref, second.newestHref, second.query]).toEqual([null, `/manager/satisfaction/surveys?agency=${agencyId}`, `agency=${agencyId}`]);
    const res = (await satisfactionExport({ request: get(`/manager/satisfaction/export?report=surveys&agency=${agencyId}&format=csv`), context: ctx, params: {} } as never)) as Response;
    expect((await res.text()).split("\r\n").filter(Boolean)).toHaveLength(1 + everySurvey.length);
  });
});
