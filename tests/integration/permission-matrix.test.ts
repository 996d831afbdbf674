import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { sql, type RawBuilder } from "kysely";
import type { AppLoadContext } from "@remix-run/node";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDeskEventHubs } from "../../app/lib/desk-events.server";
import { DEMO_PASSWORD, DEMO_USERS, seedDemo } from "../../db/seed/demo";
import { createSession } from "../../db/repos/sessions";
import { sessionCookie } from "../../app/lib/auth.server";
import type { DB } from "../../db/connection";
import { trackingToken } from "../../platform/links";
import { getTestDb, resetDatabase } from "../support/db";
import { testContext } from "../support/context";

/*
 * The permission matrix: every route module in app/routes × every demo user (and a visitor without a
 * session), with the status each cell must answer. Each module's own loader (GET) and action (POST) is
 * called with a real session cookie, as Remix calls it for a data request (`?_data=routes/…`): every
 * module guards itself, whatever its parent layout does.
 *
 * The expected cells are written by hand from the rules, never computed from the code under test.
 * A route file without its rows fails the first test below: add the rows when adding a route.
 */

const ROUTES_DIR = path.resolve(import.meta.dirname, "../../app/routes");

/** The columns, in order. */
const WHO = ["anonymous", "operator", "operator2", "supervisor", "manager", "admin", "agency1", "agency1staff", "agency2"] as const;
type Who = (typeof WHO)[number];
/** One expected cell per column, so a row with a missing or extra cell is a type error. */
type CellsOf<T extends readonly unknown[]> = { -readonly [K in keyof T]: Expected };
type Cells = CellsOf<typeof WHO>;

/** 200 (data), 4xx, a redirect to a path, or LOGIN: a redirect to the login page that comes back to the URL asked for. */
type Expected = 200 | 204 | 400 | 401 | 403 | 404 | 409 | 429 | { to: string } | { self: string } | typeof LOGIN;
const LOGIN = "login" as const;
const to = (p: string) => ({ to: p });
/** A redirect back to the URL asked for, with this query. */
const SELF = (query: string) => ({ self: query });

/** Rows whose URL names a ticket take it from these real rows of the demo data. */
type TicketRef = "ofAgency1" | "ofAgency2" | "offeredToAgency1" | "declinedByAgency1" | "missing";
interface Row {
  route: string;
  method: "GET" | "POST";
  /** Path and query; `:ticket` is replaced by the ticket named in `ticket`. */
  url: string;
  ticket?: TicketRef | "garbage";
  /** `:recording` in the URL: a recording of a call attached to a ticket, or none */
  recording?: "ofTicket" | "missing" | "garbage";
  form?: Record<string, string>;
  /** the route's params when it has several (the agency ledger's statements) */
  params?: Record<string, string>;
  expect: Cells;
}

const F = 403; // forbidden
const N = 404; // not found

// prettier-ignore
const MATRIX: Row[] = [
  //                                                                           anon   operator operator2 supervisor manager admin  agency1 agency1staff agency2
  { route: "_index", method: "GET", url: "/", expect:                          [to("/login"), to("/desk"), to("/desk"), to("/desk"), to("/manager"), to("/admin"), to("/agency"), to("/agency"), to("/agency")] },
  // Any address no route matches: a 404 page that still knows the user (menu, language).
  { route: "$", method: "GET", url: "/no/such/page", expect:                   [N,     N,       N,        N,         N,      N,     N,      N,           N] },
  { route: "healthz", method: "GET", url: "/healthz", expect:                  [200,   200,     200,      200,       200,    200,   200,    200,         200] },
  { route: "login", method: "GET", url: "/login", expect:                      [200, to("/desk"), to("/desk"), to("/desk"), to("/manager"), to("/admin"), to("/agency"), to("/agency"), to("/agency")] },
  // Signing in is open to anyone, signed in or not; the credentials decide where it leads.
  { route: "login", method: "POST", url: "/login", form: { username: "operator", password: DEMO_PASSWORD }, expect:
                                                                               [to("/desk"), to("/desk"), to("/desk"), to("/desk"), to("/desk"), to("/desk"), to("/desk"), to("/desk"), to("/desk")] },
  { route: "logout", method: "GET", url: "/logout", expect:                    [to("/"), to("/"), to("/"), to("/"), to("/"), to("/"), to("/"), to("/"), to("/")] },
  { route: "logout", method: "POST", url: "/logout", expect:                   [to("/login"), to("/login"), to("/login"), to("/login"), to("/login"), to("/login"), to("/login"), to("/login"), to("/login")] },
  { route: "locale", method: "GET", url: "/locale", expect:                    [to("/"), to("/"), to("/"), to("/"), to("/"), to("/"), to("/"), to("/"), to("/")] },
  { route: "locale", method: "POST", url: "/locale", form: { locale: "fa", redirectTo: "/desk/tickets" }, expect:
                                                                               [to("/desk/tickets"), to("/desk/tickets"), to("/desk/tickets"), to("/desk/tickets"), to("/desk/tickets"), to("/desk/tickets"), to("/desk/tickets"), to("/desk/tickets"), to("/desk/tickets")] },

  // Call centre (desk:use: operators and the supervisor).
  { route: "desk", method: "GET", url: "/desk", expect:                        [LOGIN, 200,     200,      200,       F,      F,     F,      F,           F] },
  { route: "desk._index", method: "GET", url: "/desk", expect:                 [LOGIN, 200,     200,      200,       F,      F,     F,      F,           F] },
  // Taking calls (calls:take): presence and the simulated call on the desk home, the live event stream
  // (no session: 204, which stops EventSource instead of a redirect it cannot follow), the screen-pop.
  { route: "desk._index", method: "POST", url: "/desk?index", form: { intent: "presence", presence: "available" }, expect:
                                                                               [LOGIN, 200,     200,      200,       F,      F,     F,      F,           F] },
  { route: "desk.events", method: "GET", url: "/desk/events", expect:          [204,   200,     200,      200,       F,      F,     F,      F,           F] },
  { route: "desk.calls.$callId", method: "GET", url: "/desk/calls/1", expect:  [LOGIN, 200,     200,      200,       F,      F,     F,      F,           F] },
  // Click-to-dial from the pop-up and the desk's call-back notice (calls:take): every operator has an extension.
  { route: "desk.dial", method: "POST", url: "/desk/dial", form: { number: "09121234567" }, expect:
                                                                               [LOGIN, 200,     200,      200,       F,      F,     F,      F,           F] },
  { route: "desk.dial", method: "POST", url: "/desk/dial", form: { number: "abc" }, expect:
                                                                               [LOGIN, 400,     400,      400,       F,      F,     F,      F,           F] },
  { route: "desk.callbacks.$callbackId", method: "GET", url: "/desk/callbacks/1", expect:
                                                                               [LOGIN, 200,     200,      200,       F,      F,     F,      F,           F] },
  // The happy-call list (surveys:record): its page, a score without a choice (400 with a message), a survey that
  // does not exist (404 with a message, never a 500).
  { route: "desk.follow-ups", method: "GET", url: "/desk/follow-ups", expect:  [LOGIN, 200,     200,      200,       F,      F,     F,      F,           F] },
  { route: "desk.follow-ups", method: "POST", url: "/desk/follow-ups", form: { intent: "score", surveyId: "1" }, expect:
                                                                               [LOGIN, 400,     400,      400,       F,      F,     F,      F,           F] },
  { route: "desk.follow-ups", method: "POST", url: "/desk/follow-ups", form: { intent: "score", surveyId: "999999", score: "4" }, expect:
                                                                               [LOGIN, 404,     404,      404,       F,      F,     F,      F,           F] },
  // survey comments to classify (surveys:record): a kind not in the list is a 400, a survey that is not there a 409
  { route: "desk.survey-comments", method: "GET", url: "/desk/survey-comments", expect: [LOGIN, 200, 200, 200, F, F, F, F, F] },
  { route: "desk.survey-comments", method: "POST", url: "/desk/survey-comments", form: { surveyId: "1", kind: "angry", category: "delay" }, expect:
                                                                               [LOGIN, 400,     400,      400,       F,      F,     F,      F,           F] },
  { route: "desk.survey-comments", method: "POST", url: "/desk/survey-comments", form: { surveyId: "999999", kind: "praise", category: "delay" }, expect:
                                                                               [LOGIN, 409,     409,      409,       F,      F,     F,      F,           F] },
  // Registering requests (tickets:create); an empty form is a 400 with messages, never a 500.
  { route: "desk.register", method: "GET", url: "/desk/register", expect:      [LOGIN, 200,     200,      200,       F,      F,     F,      F,           F] },
  { route: "desk.register", method: "POST", url: "/desk/register", expect:     [LOGIN, 400,     400,      400,       F,      F,     F,      F,           F] },
  { route: "desk.products", method: "GET", url: "/desk/products?serial=SN-1", expect:
                                                                               [LOGIN, 200,     200,      200,       F,      F,     F,      F,           F] },
  // Every ticket (tickets:read_all: the call centre, the manager and the admin).
  { route: "desk.tickets._index", method: "GET", url: "/desk/tickets?status=assigned&page=2", expect:
                                                                               [LOGIN, 200,     200,      200,       200,    200,   F,      F,           F] },
  { route: "desk.tickets.$ticketId", method: "GET", url: "/desk/tickets/:ticket", ticket: "ofAgency1", expect:
                                                                               [LOGIN, 200,     200,      200,       200,    200,   F,      F,           F] },
  { route: "desk.tickets.$ticketId", method: "GET", url: "/desk/tickets/:ticket", ticket: "ofAgency2", expect:
                                                                               [LOGIN, 200,     200,      200,       200,    200,   F,      F,           F] },
  { route: "desk.tickets.$ticketId", method: "GET", url: "/desk/tickets/:ticket", ticket: "missing", expect:
                                                                               [LOGIN, N,       N,        N,         N,      N,     F,      F,           F] },
  { route: "desk.tickets.$ticketId", method: "GET", url: "/desk/tickets/:ticket", ticket: "garbage", expect:
                                                                               [LOGIN, N,       N,        N,         N,      N,     F,      F,           F] },
  // The call centre's actions on a ticket (tickets:update: operators and the supervisor): back to the page.
  { route: "desk.tickets.$ticketId", method: "POST", url: "/desk/tickets/:ticket", ticket: "ofAgency1", form: { intent: "note", text: "یادداشت آزمایشی" }, expect:
                                                                               [LOGIN, SELF("?done=note"), SELF("?done=note"), SELF("?done=note"), F, F, F, F,        F] },
  { route: "desk.tickets.$ticketId", method: "POST", url: "/desk/tickets/:ticket", ticket: "missing", form: { intent: "note", text: "یادداشت" }, expect:
                                                                               [LOGIN, N,       N,        N,         F,      F,     F,      F,           F] },
  { route: "desk.tickets.$ticketId", method: "POST", url: "/desk/tickets/:ticket", ticket: "ofAgency1", form: { intent: "note", text: " " }, expect:
                                                                               [LOGIN, 400,     400,      400,       F,      F,     F,      F,           F] },
  // Calling the ticket's customer (calls:take): the call is queued for telephony, back to the page.
  { route: "desk.tickets.$ticketId", method: "POST", url: "/desk/tickets/:ticket", ticket: "ofAgency1", form: { intent: "dial" }, expect:
                                                                               [LOGIN, SELF("?done=dial"), SELF("?done=dial"), SELF("?done=dial"), F, F, F, F,        F] },
  { route: "desk.tickets.$ticketId", method: "POST", url: "/desk/tickets/:ticket", ticket: "missing", form: { intent: "dial" }, expect:
                                                                               [LOGIN, N,       N,        N,         F,      F,     F,      F,           F] },

  // Dispatch, the supervisor's side (dispatch:manage: the supervisor and the manager; never an operator, the admin
  // or an agency). Each module guards itself; the desk's layout (desk:use) keeps the manager out of /desk/dispatch
  // (the manager's are under /manager/dispatch), as for the desk's ticket pages above.
  { route: "desk.dispatch._index", method: "GET", url: "/desk/dispatch", expect: [LOGIN, F,      F,        200,       200,    F,     F,      F,           F] },
  { route: "desk.dispatch.$ticketId", method: "GET", url: "/desk/dispatch/:ticket", ticket: "ofAgency1", expect:
                                                                               [LOGIN, F,       F,        200,       200,    F,     F,      F,           F] },
  { route: "desk.dispatch.$ticketId", method: "GET", url: "/desk/dispatch/:ticket", ticket: "missing", expect:
                                                                               [LOGIN, F,       F,        N,         N,      F,     F,      F,           F] },
  { route: "desk.dispatch.$ticketId", method: "GET", url: "/desk/dispatch/:ticket", ticket: "garbage", expect:
                                                                               [LOGIN, F,       F,        N,         N,      F,     F,      F,           F] },
  // Reassigning by hand: no agency chosen, or no reason, is a 400 with a message; a ticket that does not exist a 404.
  { route: "desk.dispatch.$ticketId", method: "POST", url: "/desk/dispatch/:ticket", ticket: "offeredToAgency1", form: { reason: "درخواست مشتری" }, expect:
                                                                               [LOGIN, F,       F,        400,       400,    F,     F,      F,           F] },
  { route: "desk.dispatch.$ticketId", method: "POST", url: "/desk/dispatch/:ticket", ticket: "offeredToAgency1", form: { agencyId: "1", reason: "  " }, expect:
                                                                               [LOGIN, F,       F,        400,       400,    F,     F,      F,           F] },
  { route: "desk.dispatch.$ticketId", method: "POST", url: "/desk/dispatch/:ticket", ticket: "missing", form: { agencyId: "1", reason: "درخواست مشتری" }, expect:
                                                                               [LOGIN, F,       F,        N,         N,      F,     F,      F,           F] },
  { route: "manager.dispatch._index", method: "GET", url: "/manager/dispatch", expect: [LOGIN, F,   F,        200,       200,    F,     F,      F,           F] },
  { route: "manager.dispatch.$ticketId", method: "GET", url: "/manager/dispatch/:ticket", ticket: "ofAgency2", expect:
                                                                               [LOGIN, F,       F,        200,       200,    F,     F,      F,           F] },
  { route: "manager.dispatch.$ticketId", method: "GET", url: "/manager/dispatch/:ticket", ticket: "missing", expect:
                                                                               [LOGIN, F,       F,        N,         N,      F,     F,      F,           F] },
  { route: "manager.dispatch.$ticketId", method: "POST", url: "/manager/dispatch/:ticket", ticket: "offeredToAgency1", form: { agencyId: "x", reason: "درخواست مشتری" }, expect:
                                                                               [LOGIN, F,       F,        400,       400,    F,     F,      F,           F] },
  { route: "manager.dispatch.$ticketId", method: "POST", url: "/manager/dispatch/:ticket", ticket: "missing", form: { agencyId: "1", reason: "درخواست مشتری" }, expect:
                                                                               [LOGIN, F,       F,        N,         N,      F,     F,      F,           F] },

  // A call recording: whoever reads tickets, for a call attached to a ticket; never agencies (the call
  // centre's calls are not theirs), and a 404 that does not tell "not yours" from "no such recording".
  { route: "recordings.$recordingId", method: "GET", url: "/recordings/:recording", recording: "ofTicket", expect:
                                                                               [LOGIN, 200,     200,      200,       200,    200,   N,      N,           N] },
  { route: "recordings.$recordingId", method: "GET", url: "/recordings/:recording", recording: "missing", expect:
                                                                               [LOGIN, N,       N,        N,         N,      N,     N,      N,           N] },
  { route: "recordings.$recordingId", method: "GET", url: "/recordings/:recording", recording: "garbage", expect:
                                                                               [LOGIN, N,       N,        N,         N,      N,     N,      N,           N] },

  // A completion photo: the same 404 for no session, no such photo and one not the caller's (the scope rule
  // with real photos of two agencies: tests/integration/completion-photos.test.ts).
  { route: "photos.$photoId", method: "GET", url: "/photos/999999999", expect:  [N,     N,       N,        N,         N,      N,     N,      N,           N] },
  { route: "photos.$photoId", method: "GET", url: "/photos/abc", expect:        [N,     N,       N,        N,         N,      N,     N,      N,           N] },
  // A photo through a technician's link: an unknown token is a 404 for everyone.
  { route: "j_.$token.photos.$photoId", method: "GET", url: `/j/${"A".repeat(43)}/photos/1`, expect: [N, N, N, N, N, N, N, N, N] },

  // Manager's pages (reports:read: supervisor, manager, admin).
  { route: "manager", method: "GET", url: "/manager", expect:                  [LOGIN, F,       F,        200,       200,    200,   F,      F,           F] },
  { route: "manager._index", method: "GET", url: "/manager", expect:           [LOGIN, F,       F,        200,       200,    200,   F,      F,           F] },
  // marking a service-deadline alert reviewed (alerts:acknowledge: supervisor, manager); no such alert: 404
  // The manager home's live alerts (reports:read): no session is 204, as for the desk's stream.
  { route: "manager.alerts.events", method: "GET", url: "/manager/alerts/events", expect: [204, F, F, 200, 200, 200, F, F, F] },
  { route: "manager._index", method: "POST", url: "/manager?index", form: { intent: "acknowledge", alertId: "999999" }, expect:
                                                                               [LOGIN, F,       F,        N,         N,      F,     F,      F,           F] },
  { route: "manager._index", method: "POST", url: "/manager?index", form: { intent: "acknowledge", alertId: "x" }, expect:
                                                                               [LOGIN, F,       F,        400,       400,    F,     F,      F,           F] },
  // agencies:read also lets operators read the agency list (their menu does not lead there).
  { route: "manager.agencies", method: "GET", url: "/manager/agencies", expect: [LOGIN, 200,    200,      200,       200,    200,   F,      F,           F] },
  // An agency's status (agencies:manage: manager, admin): suspending without a reason or without the confirmation
  // is a 400 with a message; an agency that does not exist a 404.
  { route: "manager.agencies", method: "POST", url: "/manager/agencies", form: { agencyId: "1", status: "suspended", confirm: "on" }, expect:
                                                                               [LOGIN, F,       F,        F,         400,    400,   F,      F,           F] },
  { route: "manager.agencies", method: "POST", url: "/manager/agencies", form: { agencyId: "1", status: "suspended", reason: "شکایت مشتریان" }, expect:
                                                                               [LOGIN, F,       F,        F,         400,    400,   F,      F,           F] },
  { route: "manager.agencies", method: "POST", url: "/manager/agencies", form: { agencyId: "999999", status: "suspended", reason: "شکایت مشتریان", confirm: "on" }, expect:
                                                                               [LOGIN, F,       F,        F,         N,      N,     F,      F,           F] },
  // Agency administration (agencies:manage: manager, admin): bad input is a 400 with a message, an agency that does not exist a 404
  { route: "manager.agencies_.new", method: "GET", url: "/manager/agencies/new", expect:
                                                                               [LOGIN, F,       F,        F,         200,    200,   F,      F,           F] },
  { route: "manager.agencies_.new", method: "POST", url: "/manager/agencies/new", form: { intent: "details", code: "bad code", name: "x" }, expect:
                                                                               [LOGIN, F,       F,        F,         400,    400,   F,      F,           F] },
  { route: "manager.agencies_.$agencyId", method: "GET", url: "/manager/agencies/1", expect:
                                                                               [LOGIN, F,       F,        F,         200,    200,   F,      F,           F] },
  { route: "manager.agencies_.$agencyId", method: "GET", url: "/manager/agencies/999999", expect:
                                                                               [LOGIN, F,       F,        F,         N,      N,     F,      F,           F] },
  { route: "manager.agencies_.$agencyId", method: "POST", url: "/manager/agencies/1", form: { intent: "rate", ratePercent: "abc", effectiveFrom: "1405/10/01" }, expect:
                                                                               [LOGIN, F,       F,        F,         400,    400,   F,      F,           F] },
  { route: "manager.agencies_.import", method: "GET", url: "/manager/agencies/import", expect:
                                                                               [LOGIN, F,       F,        F,         200,    200,   F,      F,           F] },
  { route: "manager.agencies_.import", method: "POST", url: "/manager/agencies/import", form: { note: "no file" }, expect:
                                                                               [LOGIN, F,       F,        F,         400,    400,   F,      F,           F] },
  // the import's pushed progress (agencies:manage): no session 204 as for the other streams; a bad id 400
  { route: "manager.agencies_.import_.events", method: "GET", url: "/manager/agencies/import/events?id=1", expect: [204, F, F, F, 200, 200, F, F, F] },
  { route: "manager.agencies_.import_.events", method: "GET", url: "/manager/agencies/import/events?id=x", expect: [204, F, F, F, 400, 400, F, F, F] },
  { route: "manager.agencies_.import-template", method: "GET", url: "/manager/agencies/import-template", expect:
                                                                               [LOGIN, F,       F,        F,         200,    200,   F,      F,           F] },
  // Call-centre performance (issue 14 §4): the report, the calls behind a figure and the export (reports:read); bad
  // filters fall back to all with a message. The live wall and its stream (calls:supervise: the supervisor and the
  // manager, outside the desk's frame); the abandoned-call list (calls:take).
  { route: "manager.calls._index", method: "GET", url: "/manager/calls", expect: [LOGIN, F,       F,        200,       200,    200,   F,      F,           F] },
  { route: "manager.calls._index", method: "GET", url: "/manager/calls?from=garbage&queue=zzz&operator=-1", expect:
                                                                               [LOGIN, F,       F,        200,       200,    200,   F,      F,           F] },
  { route: "manager.calls.list", method: "GET", url: "/manager/calls/list?kind=missed&hour=99", expect:
                                                                               [LOGIN, F,       F,        200,       200,    200,   F,      F,           F] },
  { route: "manager.calls.export", method: "GET", url: "/manager/calls/export?table=operator&format=csv", expect:
                                                                               [LOGIN, F,       F,        200,       200,    200,   F,      F,           F] },
  { route: "manager.calls.export", method: "GET", url: "/manager/calls/export?table=nope&format=csv", expect:
                                                                               [LOGIN, F,       F,        400,       400,    400,   F,      F,           F] },
  { route: "desk_.wall", method: "GET", url: "/desk/wall", expect:             [LOGIN, F,       F,        200,       200,    F,     F,      F,           F] },
  { route: "desk_.wall.events", method: "GET", url: "/desk/wall/events", expect: [204,  F,       F,        200,       200,    F,     F,      F,           F] },
  { route: "desk.abandoned", method: "GET", url: "/desk/abandoned", expect:    [LOGIN, 200,     200,      200,       F,      F,     F,      F,           F] },
  { route: "desk.abandoned", method: "GET", url: "/desk/abandoned?show=cleared", expect:
                                                                               [LOGIN, 200,     200,      200,       F,      F,     F,      F,           F] },
  // The delay audit (issue 14 §1, reports:read); bad filters fall back to the defaults, never a 500; an export of
  // an unknown report or format is a 400. SLA targets: read with reports:read, changed with sla:manage (manager,
  // admin); a refused rule or a missing one is answered on the page (200 with the message).
  { route: "manager.delays._index", method: "GET", url: "/manager/delays?from=x&to=1405/13/40", expect:
                                                                               [LOGIN, F,       F,        200,       200,    200,   F,      F,           F] },
  { route: "manager.delays.tickets", method: "GET", url: "/manager/delays/tickets?agency=1&cause=nope&breach=any", expect:
                                                                               [LOGIN, F,       F,        200,       200,    200,   F,      F,           F] },
  { route: "manager.delays.export", method: "GET", url: "/manager/delays/export?report=ranking&format=csv", expect:
                                                                               [LOGIN, F,       F,        200,       200,    200,   F,      F,           F] },
  { route: "manager.delays.export", method: "GET", url: "/manager/delays/export?report=tickets&format=pdf", expect:
                                                                               [LOGIN, F,       F,        400,       400,    400,   F,      F,           F] },
  { route: "manager.delays.targets", method: "GET", url: "/manager/delays/targets", expect:
                                                                               [LOGIN, F,       F,        200,       200,    200,   F,      F,           F] },
  { route: "manager.delays.targets", method: "POST", url: "/manager/delays/targets", form: { intent: "save", priority: "", categoryId: "", province: "گیلان", acceptHours: "-1", visitHours: "2", resolveHours: "3" }, expect:
                                                                               [LOGIN, F,       F,        F,         200,    200,   F,      F,           F] },
  { route: "manager.delays.targets", method: "POST", url: "/manager/delays/targets", form: { intent: "delete", id: "999999" }, expect:
                                                                               [LOGIN, F,       F,        F,         200,    200,   F,      F,           F] },
  { route: "manager.fees._index", method: "GET", url: "/manager/fees", expect: [LOGIN, F,       F,        200,       200,    200,   F,      F,           F] },
  // The agency ledger (issue 14 §2): statements and revenue are reports (reports:read); settling and adjusting are
  // the manager's alone (ledger:manage); a statement of an agency that does not exist is a 404.
  { route: "manager.fees.statements.$agencyId.$period", method: "GET", url: "/manager/fees/statements/999999/1405-01",
    params: { agencyId: "999999", period: "1405-01" }, expect:                  [LOGIN, F,       F,        N,         N,      N,     F,      F,           F] },
  { route: "manager.fees.statements.$agencyId.$period", method: "POST", url: "/manager/fees/statements/999999/1405-01",
    params: { agencyId: "999999", period: "1405-01" }, form: { intent: "settle", paidOn: "x", reference: "r" }, expect:
                                                                               [LOGIN, F,       F,        F,         400,    F,     F,      F,           F] },
  { route: "manager.fees.statements.$agencyId.$period.export", method: "GET", url: "/manager/fees/statements/999999/1405-01/export?format=csv",
    params: { agencyId: "999999", period: "1405-01" }, expect:                  [LOGIN, F,       F,        N,         N,      N,     F,      F,           F] },
  { route: "manager.revenue._index", method: "GET", url: "/manager/revenue", expect: [LOGIN, F,     F,        200,       200,    200,   F,      F,           F] },
  { route: "manager.revenue.entries", method: "GET", url: "/manager/revenue/entries?agency=1", expect:
                                                                               [LOGIN, F,       F,        200,       200,    200,   F,      F,           F] },
  { route: "manager.revenue.entries.export", method: "GET", url: "/manager/revenue/entries/export?format=csv", expect:
                                                                               [LOGIN, F,       F,        200,       200,    200,   F,      F,           F] },
  // satisfaction and the voice of the customer (reports:read); their exports need a format (400 without)
  { route: "manager.satisfaction._index", method: "GET", url: "/manager/satisfaction?by=technician", expect:
                                                                               [LOGIN, F,       F,        200,       200,    200,   F,      F,           F] },
  { route: "manager.satisfaction.surveys", method: "GET", url: "/manager/satisfaction/surveys?agency=1", expect:
                                                                               [LOGIN, F,       F,        200,       200,    200,   F,      F,           F] },
  { route: "manager.satisfaction.low", method: "GET", url: "/manager/satisfaction/low?before=1", expect:
                                                                               [LOGIN, F,       F,        200,       200,    200,   F,      F,           F] },
  { route: "manager.satisfaction.export", method: "GET", url: "/manager/satisfaction/export?report=low", expect:
                                                                               [LOGIN, F,       F,        400,       400,    400,   F,      F,           F] },
  { route: "manager.voice._index", method: "GET", url: "/manager/voice", expect:
                                                                               [LOGIN, F,       F,        200,       200,    200,   F,      F,           F] },
  { route: "manager.voice.tickets", method: "GET", url: "/manager/voice/tickets?category=delay", expect:
                                                                               [LOGIN, F,       F,        200,       200,    200,   F,      F,           F] },
  { route: "manager.voice.repeats", method: "GET", url: "/manager/voice/repeats", expect:
                                                                               [LOGIN, F,       F,        200,       200,    200,   F,      F,           F] },
  { route: "manager.voice.export", method: "GET", url: "/manager/voice/export", expect:
                                                                               [LOGIN, F,       F,        400,       400,    400,   F,      F,           F] },
  // the agency scorecards (issue 15 §5, reports:read): a month, an agency's drill-down (an unknown agency: 404), the export (needs a format)
  { route: "manager.scorecards._index", method: "GET", url: "/manager/scorecards?period=1405-13", expect:
                                                                               [LOGIN, F,       F,        200,       200,    200,   F,      F,           F] },
  { route: "manager.scorecards.agencies.$agencyId", method: "GET", url: "/manager/scorecards/agencies/1", params: { agencyId: "1" }, expect:
                                                                               [LOGIN, F,       F,        200,       200,    200,   F,      F,           F] },
  { route: "manager.scorecards.agencies.$agencyId", method: "GET", url: "/manager/scorecards/agencies/999999", params: { agencyId: "999999" }, expect:
                                                                               [LOGIN, F,       F,        N,         N,      N,     F,      F,           F] },
  { route: "manager.scorecards.export", method: "GET", url: "/manager/scorecards/export", expect:
                                                                               [LOGIN, F,       F,        400,       400,    400,   F,      F,           F] },
  { route: "manager.scorecards.export", method: "GET", url: "/manager/scorecards/export?format=csv", expect:
                                                                               [LOGIN, F,       F,        200,       200,    200,   F,      F,           F] },
  // quality settings and probation (quality:manage: admin); a setting that is not a number, a probation without a reason: 400
  { route: "admin.quality", method: "GET", url: "/admin/quality", expect:      [LOGIN, F,       F,        F,         F,      200,   F,      F,           F] },
  { route: "admin.quality", method: "POST", url: "/admin/quality", form: { intent: "save", reworkWindowDays: "x", probationMonths: "3", probationJobs: "20" }, expect:
                                                                               [LOGIN, F,       F,        F,         F,      400,   F,      F,           F] },
  { route: "admin.quality", method: "POST", url: "/admin/quality", form: { intent: "end_probation", agency: "1", reason: "" }, expect:
                                                                               [LOGIN, F,       F,        F,         F,      400,   F,      F,           F] },
  // its own scorecard: every agency user (no agency in the URL)
  { route: "agency.scorecard", method: "GET", url: "/agency/scorecard?period=1405-01", expect:
                                                                               [LOGIN, F,       F,        F,         F,      F,     200,    200,         200] },
  // classifying a complaint ticket (tickets:update): a category not in the list is a 400 with a message
  { route: "desk.tickets.$ticketId.feedback", method: "POST", url: "/desk/tickets/:ticket/feedback", ticket: "ofAgency1", form: { kind: "complaint", category: "weather" }, expect:
                                                                               [LOGIN, 400,     400,      400,       F,      F,     F,      F,           F] },
  // the audit log for managers (audit:read), who cannot enter the admin section
  { route: "manager.audit", method: "GET", url: "/manager/audit", expect:      [LOGIN, F,       F,        F,         200,    200,   F,      F,           F] },
  { route: "manager.tickets._index", method: "GET", url: "/manager/tickets?q=x", expect:
                                                                               [LOGIN, F,       F,        200,       200,    200,   F,      F,           F] },
  { route: "manager.tickets.$ticketId", method: "GET", url: "/manager/tickets/:ticket", ticket: "ofAgency2", expect:
                                                                               [LOGIN, F,       F,        200,       200,    200,   F,      F,           F] },
  { route: "manager.tickets.$ticketId", method: "GET", url: "/manager/tickets/:ticket", ticket: "missing", expect:
                                                                               [LOGIN, F,       F,        N,         N,      N,     F,      F,           F] },

  // System administration (users:manage: admin; the audit log: audit:read, manager and admin).
  { route: "admin", method: "GET", url: "/admin", expect:                      [LOGIN, F,       F,        F,         F,      200,   F,      F,           F] },
  { route: "admin._index", method: "GET", url: "/admin", expect:               [LOGIN, F,       F,        F,         F,      200,   F,      F,           F] },
  { route: "admin.users", method: "GET", url: "/admin/users", expect:          [LOGIN, F,       F,        F,         F,      200,   F,      F,           F] },
  // users (users:manage): a refused new user is a 400 with a message
  { route: "admin.users", method: "POST", url: "/admin/users", form: { intent: "create", username: "x", displayName: "نام", role: "operator", password: "longenough" }, expect:
                                                                               [LOGIN, F,       F,        F,         F,      400,   F,      F,           F] },
  { route: "admin.audit", method: "GET", url: "/admin/audit", expect:          [LOGIN, F,       F,        F,         200,    200,   F,      F,           F] },
  // SMS texts (sms_templates:manage: admin); a kind that does not exist is a 404; a refused text a 400
  { route: "admin.sms-templates._index", method: "GET", url: "/admin/sms-templates", expect:
                                                                               [LOGIN, F,       F,        F,         F,      200,   F,      F,           F] },
  { route: "admin.sms-templates.$kind", method: "GET", url: "/admin/sms-templates/ticket_completed", expect:
                                                                               [LOGIN, F,       F,        F,         F,      200,   F,      F,           F] },
  { route: "admin.sms-templates.$kind", method: "GET", url: "/admin/sms-templates/no_such_kind", expect:
                                                                               [LOGIN, F,       F,        F,         F,      N,     F,      F,           F] },
  { route: "admin.sms-templates.$kind", method: "POST", url: "/admin/sms-templates/ticket_completed", form: { intent: "save", body: "{tiket}" }, expect:
                                                                               [LOGIN, F,       F,        F,         F,      400,   F,      F,           F] },

  // the supervisor's loaner / replacement tasks (service_tasks:manage: supervisor, manager); an unknown task is a 404
  { route: "desk.service-tasks", method: "GET", url: "/desk/service-tasks", expect:
                                                                               [LOGIN, F,       F,        200,       200,    F,     F,      F,           F] },
  { route: "desk.service-tasks", method: "POST", url: "/desk/service-tasks", form: { id: "999999", intent: "acknowledged" }, expect:
                                                                               [LOGIN, F,       F,        N,         N,      F,     F,      F,           F] },
  // official holidays of the working-day clock (holidays:manage: admin); a day that does not exist is a 400, a gone holiday a 404
  { route: "admin.holidays", method: "GET", url: "/admin/holidays", expect:    [LOGIN, F,       F,        F,         F,      200,   F,      F,           F] },
  { route: "admin.holidays", method: "POST", url: "/admin/holidays", form: { intent: "add", date: "1405/12/30", reason: "x" }, expect:
                                                                               [LOGIN, F,       F,        F,         F,      400,   F,      F,           F] },
  { route: "admin.holidays", method: "POST", url: "/admin/holidays", form: { intent: "remove", id: "999999" }, expect:
                                                                               [LOGIN, F,       F,        F,         F,      N,     F,      F,           F] },
  // the admin's numbers of issue 15 (holidays:manage: admin); a value out of its rule's bounds is a 400 with a message
  { route: "admin.service-rules", method: "GET", url: "/admin/service-rules", expect:
                                                                               [LOGIN, F,       F,        F,         F,      200,   F,      F,           F] },
  { route: "admin.service-rules", method: "POST", url: "/admin/service-rules", form: { key: "complaint_resolve_days", value: "0" }, expect:
                                                                               [LOGIN, F,       F,        F,         F,      400,   F,      F,           F] },

  // Public: the tracking page of the customer's SMS (a signed token; anything else is a 404) and, in
  // development without a Kavenegar key (as here), the simulated SMS inboxes (a bad number is a 400).
  { route: "t.$token", method: "GET", url: "/t/:token", ticket: "ofAgency1", expect:
                                                                               [200,   200,     200,      200,       200,    200,   200,    200,         200] },
  { route: "t.$token", method: "GET", url: "/t/:token", ticket: "garbage", expect:
                                                                               [N,     N,       N,        N,         N,      N,     N,      N,           N] },
  // The technician's job page (/j/<token>, no sign-in): an unknown token is a 404 for everyone; a press
  // on it goes back to the page, which says the link does not work.
  { route: "j.$token", method: "GET", url: `/j/${"A".repeat(43)}`, expect:     [N,     N,       N,        N,         N,      N,     N,      N,           N] },
  { route: "j.$token", method: "POST", url: `/j/${"A".repeat(43)}`, form: { intent: "on_the_way" }, expect:
                                                                               [SELF(""), SELF(""), SELF(""), SELF(""), SELF(""), SELF(""), SELF(""), SELF(""), SELF("")] },
  { route: "dev.sms", method: "GET", url: "/dev/sms", expect:                  [200,   200,     200,      200,       200,    200,   200,    200,         200] },
  { route: "dev.sms", method: "POST", url: "/dev/sms", form: { from: "0912", message: "5" }, expect:
                                                                               [400,   400,     400,      400,       400,    400,   400,    400,         400] },
  // The simulated customers' phones (development on the ARI simulator), like /dev/sms: no sign-in, made-up phones.
  { route: "dev.phones", method: "GET", url: "/dev/phones", expect:            [200,   200,     200,      200,       200,    200,   200,    200,         200] },
  { route: "dev.phones", method: "POST", url: "/dev/phones", form: { intent: "dtmf", id: "1.1", digits: "55" }, expect:
                                                                               [400,   400,     400,      400,       400,    400,   400,    400,         400] },

  // Warranty per serial (issue 15 §1): the customers' public card page (no sign-in; a code that is not 16
  // digits is a 400 with a message); the call centre's product search and product page (customers:read, under
  // the desk), the registry tracking id set by operators and supervisors (products:update); no product: 404.
  { route: "warranty", method: "POST", url: "/warranty", form: { code: "12" }, expect:
                                                                               [400,   400,     400,      400,       400,    400,   400,    400,         400] },
  { route: "desk.warranty._index", method: "GET", url: "/desk/warranty?q=SN-1", expect:
                                                                               [LOGIN, 200,     200,      200,       200,    200,   F,      F,           F] },
  { route: "desk.warranty.$productId", method: "GET", url: "/desk/warranty/999999", params: { productId: "999999" }, expect:
                                                                               [LOGIN, N,       N,        N,         N,      N,     F,      F,           F] },
  { route: "desk.warranty.$productId", method: "POST", url: "/desk/warranty/999999", params: { productId: "999999" }, form: { registryId: "ABC-1234" }, expect:
                                                                               [LOGIN, N,       N,        N,         F,      F,     F,      F,           F] },
  // issuing warranty cards (warranty:issue: manager, admin); a batch without a model is a 400 with its message
  { route: "manager.warranty-cards", method: "GET", url: "/manager/warranty-cards", expect:
                                                                               [LOGIN, F,       F,        F,         200,    200,   F,      F,           F] },
  { route: "manager.warranty-cards", method: "POST", url: "/manager/warranty-cards", form: { modelId: "", serials: "SN-1" }, expect:
                                                                               [LOGIN, F,       F,        F,         400,    400,   F,      F,           F] },

  // Agency portal (agency_portal:use: agency admins and staff), each agency's own data only.
  { route: "agency", method: "GET", url: "/agency", expect:                    [LOGIN, F,       F,        F,         F,      F,     200,    200,         200] },
  { route: "agency._index", method: "GET", url: "/agency", expect:             [LOGIN, F,       F,        F,         F,      F,     200,    200,         200] },
  // Answering an offer from the home page: a refused reason is a 400 with a message, an offer that is not
  // the agency's (here: none) the same 404 as another agency's.
  { route: "agency._index", method: "POST", url: "/agency?index", form: { intent: "reject", offerId: "999999", reason: " " }, expect:
                                                                               [LOGIN, F,       F,        F,         F,      F,     400,    400,         400] },
  { route: "agency._index", method: "POST", url: "/agency?index", form: { intent: "accept", offerId: "999999" }, expect:
                                                                               [LOGIN, F,       F,        F,         F,      F,     N,      N,           N] },
  // The live offers stream: the signed-in user's own agency only; no session is 204, as for the desk's.
  { route: "agency.offers.events", method: "GET", url: "/agency/offers/events", expect: [204, F, F, F, F, F, 200, 200, 200] },
  // Jobs by status and on the map; the technicians: every agency user sees its own.
  { route: "agency.jobs", method: "GET", url: "/agency/jobs?status=on_hold", expect:
                                                                               [LOGIN, F,       F,        F,         F,      F,     200,    200,         200] },
  { route: "agency.technicians", method: "GET", url: "/agency/technicians", expect:
                                                                               [LOGIN, F,       F,        F,         F,      F,     200,    200,         200] },
  // Changing technicians is the agency admin's (agency_portal:technicians), not its staff's.
  { route: "agency.technicians", method: "POST", url: "/agency/technicians", form: { intent: "create", fullName: "تکنسین", mobile: "123" }, expect:
                                                                               [LOGIN, F,       F,        F,         F,      F,     400,    F,           400] },
  // Its parts stock and open part requests (issue 15 §4): every agency user sees its own; only its admin adjusts
  // the stock (agency_portal:parts_stock) — here a refused quantity, a 400 with the message.
  { route: "agency.parts", method: "GET", url: "/agency/parts", expect:        [LOGIN, F,       F,        F,         F,      F,     200,    200,         200] },
  { route: "agency.parts", method: "POST", url: "/agency/parts", form: { partId: "1", quantity: "-1", reason: "شمارش" }, expect:
                                                                               [LOGIN, F,       F,        F,         F,      F,     400,    F,           400] },
  // Its own offer history (no customer data): every agency user.
  { route: "agency.offers", method: "GET", url: "/agency/offers", expect:      [LOGIN, F,       F,        F,         F,      F,     200,    200,         200] },
  // The referral-fee statement is the agency owner's business (agency_portal:statement): not its staff's.
  { route: "agency.statement", method: "GET", url: "/agency/statement", expect: [LOGIN, F,      F,        F,         F,      F,     200,    F,           200] },
  // a month of it, and its export: always the signed-in agency's own (no agency in the URL)
  { route: "agency.statement_.$period", method: "GET", url: "/agency/statement/1405-01", params: { period: "1405-01" }, expect:
                                                                               [LOGIN, F,       F,        F,         F,      F,     200,    F,           200] },
  { route: "agency.statement_.$period.export", method: "GET", url: "/agency/statement/1405-01/export?format=csv", params: { period: "1405-01" }, expect:
                                                                               [LOGIN, F,       F,        F,         F,      F,     200,    F,           200] },
  // Warranty claims (issue 15 §3): every agency user files its own (claims:file); a claim or ticket of nobody's is a
  // 404; the manufacturer's review is the manager's (claims:review); the tariffs are the admin's (tariffs:manage).
  { route: "agency.claims._index", method: "GET", url: "/agency/claims", expect:  [LOGIN, F,       F,        F,         F,      F,     200,    200,         200] },
  { route: "agency.claims.new", method: "GET", url: "/agency/claims/new?ticket=999999", expect:
                                                                               [LOGIN, F,       F,        F,         F,      F,     N,      N,           N] },
  { route: "agency.claims.new", method: "POST", url: "/agency/claims/new", form: { ticketId: "999999", serviceType: "repair", intent: "submit" }, expect:
                                                                               [LOGIN, F,       F,        F,         F,      F,     N,      N,           N] },
  { route: "agency.claims.new", method: "POST", url: "/agency/claims/new", form: { ticketId: "x", serviceType: "repair", intent: "submit" }, expect:
                                                                               [LOGIN, F,       F,        F,         F,      F,     400,    400,         400] },
  { route: "agency.claims.$claimId", method: "GET", url: "/agency/claims/999999", params: { claimId: "999999" }, expect:
                                                                               [LOGIN, F,       F,        F,         F,      F,     N,      N,           N] },
  { route: "agency.claims.$claimId", method: "POST", url: "/agency/claims/999999", params: { claimId: "999999" }, form: {}, expect:
                                                                               [LOGIN, F,       F,        F,         F,      F,     N,      N,           N] },
  // (h5) the agency's draft, edited: a claim of nobody's is a 404 for every agency user
  { route: "agency.claims.$claimId_.edit", method: "GET", url: "/agency/claims/999999/edit", params: { claimId: "999999" }, expect:
                                                                               [LOGIN, F,       F,        F,         F,      F,     N,      N,           N] },
  { route: "agency.claims.$claimId_.edit", method: "POST", url: "/agency/claims/999999/edit", params: { claimId: "999999" }, form: { serviceType: "repair", intent: "draft" }, expect:
                                                                               [LOGIN, F,       F,        F,         F,      F,     N,      N,           N] },
  { route: "manager.claims._index", method: "GET", url: "/manager/claims?status=nonsense", expect:
                                                                               [LOGIN, F,       F,        F,         200,    F,     F,      F,           F] },
  { route: "manager.claims.$claimId", method: "GET", url: "/manager/claims/999999", params: { claimId: "999999" }, expect:
                                                                               [LOGIN, F,       F,        F,         N,      F,     F,      F,           F] },
  { route: "manager.claims.$claimId", method: "POST", url: "/manager/claims/999999", params: { claimId: "999999" }, form: { intent: "decide" }, expect:
                                                                               [LOGIN, F,       F,        F,         N,      F,     F,      F,           F] },
  { route: "admin.tariffs", method: "GET", url: "/admin/tariffs", expect:      [LOGIN, F,       F,        F,         F,      200,   F,      F,           F] },
  { route: "admin.tariffs", method: "POST", url: "/admin/tariffs", form: { intent: "band", fromKm: "-3", amount: "1", from: "1405/10/01" }, expect:
                                                                               [LOGIN, F,       F,        F,         F,      400,   F,      F,           F] },
  { route: "agency.tickets._index", method: "GET", url: "/agency/tickets", expect:
                                                                               [LOGIN, F,       F,        F,         F,      F,     200,    200,         200] },
  { route: "agency.tickets.$ticketId", method: "GET", url: "/agency/tickets/:ticket", ticket: "ofAgency1", expect:
                                                                               [LOGIN, F,       F,        F,         F,      F,     200,    200,         N] },
  { route: "agency.tickets.$ticketId", method: "GET", url: "/agency/tickets/:ticket", ticket: "offeredToAgency1", expect:
                                                                               [LOGIN, F,       F,        F,         F,      F,     200,    200,         N] },
  // Declined (or lost to a competitor): out of THR-001's scope, whoever holds it now.
  { route: "agency.tickets.$ticketId", method: "GET", url: "/agency/tickets/:ticket", ticket: "declinedByAgency1", expect:
                                                                               [LOGIN, F,       F,        F,         F,      F,     N,      N,           N] },
  { route: "agency.tickets.$ticketId", method: "GET", url: "/agency/tickets/:ticket", ticket: "ofAgency2", expect:
                                                                               [LOGIN, F,       F,        F,         F,      F,     N,      N,           200] },
  { route: "agency.tickets.$ticketId", method: "GET", url: "/agency/tickets/:ticket", ticket: "missing", expect:
                                                                               [LOGIN, F,       F,        F,         F,      F,     N,      N,           N] },
  // The job's forms (technician and window, completion): its own agency's users; an incomplete form is a 400;
  // another agency's ticket a 404 before any field is read.
  { route: "agency.tickets.$ticketId", method: "POST", url: "/agency/tickets/:ticket", ticket: "ofAgency1", form: { intent: "assign" }, expect:
                                                                               [LOGIN, F,       F,        F,         F,      F,     400,    400,         N] },
  { route: "agency.tickets.$ticketId", method: "GET", url: "/agency/tickets/:ticket", ticket: "garbage", expect:
                                                                               [LOGIN, F,       F,        F,         F,      F,     N,      N,           N] },
  // Issue 15 §4, spare parts. A part request without parts is a 400 for the job's agency (another's: 404).
  { route: "agency.tickets.$ticketId", method: "POST", url: "/agency/tickets/:ticket", ticket: "ofAgency1", form: { intent: "parts", expectedDate: "1499/01/01" }, expect:
                                                                               [LOGIN, F,       F,        F,         F,      F,     400,    400,         N] },
  // the catalogue (parts:catalogue: admin); a part that does not exist is a 400 with a message
  { route: "admin.spare-parts", method: "GET", url: "/admin/spare-parts?q=x", expect:
                                                                               [LOGIN, F,       F,        F,         F,      200,   F,      F,           F] },
  { route: "admin.spare-parts", method: "POST", url: "/admin/spare-parts", form: { intent: "save", partId: "999999999", name: "x", price: "1" }, expect:
                                                                               [LOGIN, F,       F,        F,         F,      400,   F,      F,           F] },
  // the parts desk (parts:manage: manager); a request that does not exist is a 400 with a message
  { route: "manager.parts._index", method: "GET", url: "/manager/parts?status=shipped", expect:
                                                                               [LOGIN, F,       F,        F,         200,    F,     F,      F,           F] },
  { route: "manager.parts._index", method: "POST", url: "/manager/parts?index", form: { requestId: "999999999", step: "order" }, expect:
                                                                               [LOGIN, F,       F,        F,         400,    F,     F,      F,           F] },
  // the parts report (reports:read); its export needs a format (400 without), its drill-down a part
  { route: "manager.parts.report", method: "GET", url: "/manager/parts/report", expect:
                                                                               [LOGIN, F,       F,        200,       200,    200,   F,      F,           F] },
  { route: "manager.parts.tickets", method: "GET", url: "/manager/parts/tickets?part=1", expect:
                                                                               [LOGIN, F,       F,        200,       200,    200,   F,      F,           F] },
  { route: "manager.parts.export", method: "GET", url: "/manager/parts/export?report=parts", expect:
                                                                               [LOGIN, F,       F,        400,       400,    400,   F,      F,           F] },
];

// ---------------------------------------------------------------------------------------------

interface RouteModule {
  loader?: (args: unknown) => unknown;
  action?: (args: unknown) => unknown;
}

/** Route ids as Remix names them from app/routes: files (minus extension) and folders with a route module. */
function routeFiles(): Map<string, string> {
  const found = new Map<string, string>();
  for (const entry of readdirSync(ROUTES_DIR)) {
    if (entry.startsWith(".") || /\.test\.tsx?$/.test(entry)) continue;
    const full = path.join(ROUTES_DIR, entry);
    if (statSync(full).isDirectory()) {
      const inner = readdirSync(full).find((f) => /^route\.(tsx?|jsx?)$/.test(f));
      if (inner) found.set(entry, path.join(full, inner));
    } else if (/\.(tsx?|jsx?)$/.test(entry)) {
      found.set(entry.replace(/\.(tsx?|jsx?)$/, ""), full);
    }
  }
  return found;
}

let db: DB;
let ctx: AppLoadContext;
const userIds = new Map<Who, number>();
const ticketIds = new Map<TicketRef, number>();
/** The tracking numbers of those tickets (their public tracking links are signed over the number). */
const ticketNumbers = new Map<TicketRef, number>();
const modules = new Map<string, RouteModule>();
const recordingIds = new Map<string, number>();
let recordingsDir: string;

afterAll(async () => {
  if (recordingsDir) await rm(recordingsDir, { recursive: true, force: true });
});

async function oneTicket(db: DB, label: string, query: RawBuilder<{ id: number }>): Promise<number> {
  const { rows } = await query.execute(db);
  expect(rows.length, `the demo data has no ${label}`).toBeGreaterThan(0);
  return rows[0]!.id;
}

beforeAll(async () => {
  db = await getTestDb();
  await resetDatabase(db);
  const base = testContext(db);
  recordingsDir = await mkdtemp(path.join(tmpdir(), "matrix-recordings-"));
  ctx = { ...base, env: { ...base.env, recordingsDir } };
  await seedDemo(db, { now: new Date(), recordingsDir });
  const recording = await db.selectFrom("recordings").select("id").orderBy("id").executeTakeFirstOrThrow();
  recordingIds.set("ofTicket", recording.id);
  recordingIds.set("missing", recording.id + 100_000);
  recordingIds.set("garbage", "1x" as never);

  const users = await db.selectFrom("users").select(["id", "username"]).execute();
  for (const who of WHO) {
    if (who === "anonymous") continue;
    const u = users.find((x) => x.username === who);
    expect(u, who).toBeDefined();
    userIds.set(who, u!.id);
  }

  // A ticket each agency holds the assignment of, in work, never offered to the other agency.
  for (const [ref, mine, other] of [
    ["ofAgency1", "THR-001", "THR-002"],
    ["ofAgency2", "THR-002", "THR-001"],
  ] as const) {
    ticketIds.set(
      ref,
      await oneTicket(
        db,
        `ticket assigned to ${mine}`,
        sql<{ id: number }>`
          select t.id from tickets t join agencies a on a.id = t.assigned_agency_id
          where a.code = ${mine} and t.status in ('assigned', 'scheduled', 'in_progress')
            and not exists (select 1 from dispatch_offers o join agencies x on x.id = o.agency_id
                            where o.ticket_id = t.id and x.code = ${other})
          order by t.id limit 1`,
      ),
    );
  }
  // A ticket THR-001 declined, now with another agency (never THR-002, so its column stays a plain 404).
  ticketIds.set(
    "declinedByAgency1",
    await oneTicket(
      db,
      "ticket THR-001 declined",
      sql<{ id: number }>`
        select t.id from tickets t
        join dispatch_offers o on o.ticket_id = t.id and o.status = 'rejected'
        join agencies a on a.id = o.agency_id and a.code = 'THR-001'
        where t.assigned_agency_id is distinct from a.id
          and not exists (select 1 from dispatch_offers p where p.ticket_id = t.id and p.agency_id = a.id and p.status = 'pending')
          and not exists (select 1 from dispatch_offers p join agencies x on x.id = p.agency_id
                          where p.ticket_id = t.id and x.code = 'THR-002')
        order by t.id limit 1`,
    ),
  );
  // A ticket waiting for THR-001's answer to a pending offer, never offered to THR-002.
  ticketIds.set(
    "offeredToAgency1",
    await oneTicket(
      db,
      "pending offer to THR-001",
      sql<{ id: number }>`
        select t.id from tickets t
        join dispatch_offers o on o.ticket_id = t.id and o.status = 'pending'
        join agencies a on a.id = o.agency_id and a.code = 'THR-001'
        where not exists (select 1 from dispatch_offers p join agencies x on x.id = p.agency_id
                          where p.ticket_id = t.id and x.code = 'THR-002')
        order by t.id limit 1`,
    ),
  );
  for (const [ref, id] of ticketIds) {
    const t = await db.selectFrom("tickets").select("number").where("id", "=", id).executeTakeFirstOrThrow();
    ticketNumbers.set(ref, t.number);
  }
  const max = await db.selectFrom("tickets").select((eb) => eb.fn.max("id").as("id")).executeTakeFirstOrThrow();
  ticketIds.set("missing", Number(max.id) + 1000);

  for (const [id, file] of routeFiles()) modules.set(id, (await import(file)) as RouteModule);
}, 120_000);

// the desk's event stream opened a LISTEN connection to this file's database
afterAll(closeDeskEventHubs);

describe("permission matrix", () => {
  it("has rows for every route module in app/routes, and for each of its loader and action", () => {
    const files = routeFiles();
    const missing: string[] = [];
    for (const [id] of files) {
      const mod = modules.get(id)!;
      if (mod.loader && !MATRIX.some((r) => r.route === id && r.method === "GET")) missing.push(`${id}: GET (loader)`);
      if (mod.action && !MATRIX.some((r) => r.route === id && r.method === "POST")) missing.push(`${id}: POST (action)`);
      if (!mod.loader && !mod.action) missing.push(`${id}: a route module without loader or action needs no row, but say so here`);
    }
    expect(missing, "routes without their rows in the permission matrix").toEqual([]);
    const stale = MATRIX.filter((r) => {
      const mod = modules.get(r.route);
      return !mod || (r.method === "GET" ? !mod.loader : !mod.action);
    }).map((r) => `${r.route} ${r.method}`);
    expect(stale, "matrix rows for routes (or handlers) that do not exist").toEqual([]);
    expect(WHO.slice(1)).toEqual(expect.arrayContaining(DEMO_USERS.map((u) => u.username)));
    expect(WHO.length - 1, "a column for every demo user").toBe(DEMO_USERS.length);
  });

  it.each(MATRIX.map((row) => [`${row.method} ${row.url}${row.ticket ? ` (${row.ticket})` : ""} → routes/${row.route}`, row] as const))(
    "%s",
    async (_name, row) => {
      const url = row.url
        .replace(":token", () => (row.ticket === "garbage" ? "1-AAAAAAAAAAAAAAAA" : trackingToken(ctx.env.trackingSecret, ticketNumbers.get(row.ticket as TicketRef)!)))
        .replace(":ticket", row.ticket === "garbage" ? "12abc" : String(ticketIds.get(row.ticket as TicketRef) ?? ""))
        .replace(":recording", String(recordingIds.get(row.recording ?? "") ?? ""));
      const actual: string[] = [];
      for (const who of WHO) actual.push(describeStatus(await call(row, url, who)));
      const expected = row.expect.map((cell) => describeExpected(cell, url));
      expect(Object.fromEntries(WHO.map((w, i) => [w, actual[i]]))).toEqual(Object.fromEntries(WHO.map((w, i) => [w, expected[i]])));
    },
  );
});

async function cookieOf(who: Who): Promise<string | undefined> {
  if (who === "anonymous") return undefined;
  // A fresh session for every cell: signing out ends the one it is given.
  const s = await createSession(db, { userId: userIds.get(who)!, ip: "127.0.0.1", userAgent: "permission-matrix" });
  return (await sessionCookie(ctx).serialize(s.id)).split(";")[0];
}

async function call(row: Row, url: string, who: Who): Promise<Response | "data"> {
  const headers = new Headers();
  const cookie = await cookieOf(who);
  if (cookie) headers.set("Cookie", cookie);
  const init: RequestInit = { method: row.method, headers };
  if (row.method === "POST") {
    // A form posted from the app's own pages: same origin.
    headers.set("Origin", "http://localhost");
    headers.set("Content-Type", "application/x-www-form-urlencoded");
    init.body = new URLSearchParams(row.form ?? {});
  }
  const request = new Request(`http://localhost${url}`, init);
  const segments = url.split("?")[0]!.split("/");
  // a ticket's sub-route (/desk/tickets/:ticket/feedback) names the ticket one segment earlier
  const last = row.route === "desk.tickets.$ticketId.feedback" ? segments.at(-2)! : segments.at(-1)!;
  const routeParams: [boolean, string][] = [
    [row.url.includes(":token"), "token"],
    [row.route === "admin.sms-templates.$kind", "kind"],
    [row.url.includes(":ticket"), "ticketId"],
    [row.url.includes(":recording"), "recordingId"],
    [row.route === "desk.calls.$callId", "callId"],
    [row.route === "desk.callbacks.$callbackId", "callbackId"],
    [row.route === "manager.agencies_.$agencyId", "agencyId"],
  ];
  const paramName = routeParams.find(([applies]) => applies)?.[1];
  const params: Record<string, string> = row.params ?? (paramName ? { [paramName]: last } : {});
  const mod = modules.get(row.route)!;
  const handler = row.method === "GET" ? mod.loader : mod.action;
  try {
    const result = await handler!({ request, context: ctx, params });
    // a stream (the desk's live events, a recording) is only opened, never read: close it
    if (result instanceof Response) await result.body?.cancel();
    return result instanceof Response ? result : "data";
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw new Error(`${row.method} ${url} as ${who} threw instead of answering: ${String(thrown)}`, { cause: thrown });
  }
}

function describeStatus(res: Response | "data"): string {
  if (res === "data") return "200";
  if (res.status >= 300 && res.status < 400) return `${res.status} → ${res.headers.get("Location")}`;
  return String(res.status);
}

function describeExpected(cell: Expected, url: string): string {
  if (cell === LOGIN) return `302 → /login?${new URLSearchParams({ redirectTo: url })}`;
  if (typeof cell === "object" && "self" in cell) return `302 → ${url}${cell.self}`;
  if (typeof cell === "object") return `302 → ${cell.to}`;
  return String(cell);
}
