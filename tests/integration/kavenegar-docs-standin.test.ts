/**
 * The Kavenegar client against a stand-in written from Kavenegar's documentation (https://kavenegar.com/rest.html):
 * each answer below is a fixed JSON body in the documented shape — the envelope, the entry fields, numbers
 * as numbers, an error as the envelope with `entries: null` and return.status as HTTP status — so this
 * checks the client against the documentation rather than against our own simulator. The client is built
 * exactly as production builds it: from loadEnv with KAVENEGAR_API_KEY and KAVENEGAR_BASE_URL pointing here.
 * The stand-in also records what arrived on the wire: method, path (the key in it), form encoding, parameters.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { EnvError, loadEnv } from "../../platform/env";
import { createKavenegarClient, KavenegarError, type KavenegarClient } from "../../platform/kavenegar";

const KEY = "4F6A2B3C5D7E9F0A1B2C3D4E5F6A7B8C9D0E1F2A3B4C5D6E=";

interface Seen {
  method: string;
  path: string;
  contentType: string;
  params: Record<string, string>;
}

type Canned = { status: number; body: string; type?: string } | "hang-up";

const ok = (entries: unknown) => ({ status: 200, body: JSON.stringify({ return: { status: 200, message: "تایید شد" }, entries }) });

/** Documented answers, by method path. */
const DOC: Record<string, Canned> = {
  "sms/send": ok([
    {
      messageid: 8792343,
      message: "خدمات پیام کوتاه کاوه نگار",
      status: 1,
      statustext: "در صف ارسال",
      sender: "10004346",
      receptor: "09123456789",
      date: 1356619709,
      cost: 120,
    },
  ]),
  "verify/lookup": ok([
    {
      messageid: 8792344,
      message: "کد تایید شما 52368",
      status: 5,
      statustext: "ارسال به مخابرات",
      sender: "10004346",
      receptor: "09123456789",
      date: 1356619709,
      cost: 120,
    },
  ]),
  "sms/status": ok([
    { messageid: 85463238, status: 10, statustext: "رسیده به گیرنده" },
    { messageid: 85463239, status: 14, statustext: "بلاک شده" },
    { messageid: 1, status: 100, statustext: "شناسه پیامک نامعتبر است" },
  ]),
  "sms/statuslocalmessageid": ok([
    { messageid: 85463238, localid: "450", status: 10, statustext: "رسیده به گیرنده" },
    { messageid: 0, localid: "451", status: 100, statustext: "شناسه پیامک نامعتبر است" },
  ]),
  "sms/receive": ok([
    { messageid: 8792345, message: "۵", sender: "09123456789", receptor: "30002225", date: 1356619709 },
  ]),
};

let server: Server;
let base: string;
let seen: Seen[] = [];
/** per test: what each method answers (defaults to DOC) */
let answers: Record<string, Canned> = {};

async function readForm(req: IncomingMessage): Promise<Record<string, string>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString("utf8")));
}

beforeAll(async () => {
  server = createServer((req, res) => {
    void (async () => {
      const path = req.url ?? "";
      const params = await readForm(req);
      seen.push({ method: req.method ?? "", path, contentType: req.headers["content-type"] ?? "", params });
      const m = /^\/v1\/([^/]+)\/(.+)\.json$/.exec(path);
      if (!m || decodeURIComponent(m[1] ?? "") !== KEY) {
        const body = JSON.stringify({ return: { status: 403, message: "کد شناسائی API-Key معتبر نمیباشد" }, entries: null });
        res.writeHead(403, { "Content-Type": "application/json" }).end(body);
        return;
      }
      const canned = answers[m[2] ?? ""] ?? DOC[m[2] ?? ""];
      if (!canned) {
        res.writeHead(404, { "Content-Type": "application/json" }).end(JSON.stringify({ return: { status: 404, message: "متد نامشخص است" }, entries: null }));
        return;
      }
      if (canned === "hang-up") {
        req.socket.destroy();
        return;
      }
      res.writeHead(canned.status, { "Content-Type": canned.type ?? "application/json" }).end(canned.body);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const addr = server.address();
  base = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}/v1`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  seen = [];
  answers = {};
});

function productionClient(): KavenegarClient {
  const env = loadEnv({
    SESSION_SECRET: "x".repeat(20),
    DATA_DIR: ".data/test-env",
    KAVENEGAR_API_KEY: KEY,
    KAVENEGAR_BASE_URL: base,
    KAVENEGAR_SENDER: "10004346",
    KAVENEGAR_TIMEOUT_MS: "2000",
  });
  expect(env.smsSimulated).toBe(false);
  return createKavenegarClient({ apiKey: env.kavenegarApiKey, baseUrl: env.kavenegarBaseUrl, timeoutMs: env.KAVENEGAR_TIMEOUT_MS });
}

async function failureOf(p: Promise<unknown>): Promise<KavenegarError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(KavenegarError);
  return e as KavenegarError;
}

describe("requests on the wire", () => {
  it("sms/send: POST, form-encoded, the key in the path, receptor as 09…, localid, sender", async () => {
    const m = await productionClient().send({ receptor: "۰۹۱۲۳۴۵۶۷۸۹", message: "سلام & خوش آمدید", sender: "10004346", localid: "450" });
    expect(seen).toEqual([
      {
        method: "POST",
        path: `/v1/${encodeURIComponent(KEY)}/sms/send.json`,
        contentType: expect.stringMatching(/^application\/x-www-form-urlencoded/),
        params: { receptor: "09123456789", message: "سلام & خوش آمدید", sender: "10004346", localid: "450" },
      },
    ]);
    expect(m).toEqual({
      messageid: "8792343",
      message: "خدمات پیام کوتاه کاوه نگار",
      status: 1,
      delivery: "queued",
      statustext: "در صف ارسال",
      sender: "10004346",
      receptor: "09123456789",
      date: 1356619709,
      cost: 120,
    });
  });

  it("verify/lookup: receptor, template, tokens", async () => {
    const m = await productionClient().lookup({ receptor: "09123456789", template: "verify", token: "52368", token2: "x" });
    expect(seen[0]?.path).toMatch(/\/verify\/lookup\.json$/);
    expect(seen[0]?.params).toEqual({ receptor: "09123456789", template: "verify", token: "52368", token2: "x" });
    expect(m).toMatchObject({ messageid: "8792344", status: 5, delivery: "sent" });
  });

  it("sms/status: comma-separated ids; statuses mapped", async () => {
    const list = await productionClient().status(["85463238", "85463239", "1"]);
    expect(seen[0]?.params).toEqual({ messageid: "85463238,85463239,1" });
    expect(list.map((s) => [s.messageid, s.delivery])).toEqual([
      ["85463238", "delivered"],
      ["85463239", "blocked"],
      ["1", "not_found"],
    ]);
  });

  it("sms/statuslocalmessageid: a localid Kavenegar does not know has no messageid", async () => {
    const list = await productionClient().statusByLocalId(["450", "451"]);
    expect(seen[0]?.params).toEqual({ localid: "450,451" });
    expect(list).toEqual([
      { localid: "450", messageid: "85463238", status: 10, delivery: "delivered", statustext: "رسیده به گیرنده" },
      { localid: "451", messageid: null, status: 100, delivery: "not_found", statustext: "شناسه پیامک نامعتبر است" },
    ]);
  });

  it("sms/receive: linenumber and isread", async () => {
    const list = await productionClient().receive("30002225");
    expect(seen[0]?.params).toEqual({ linenumber: "30002225", isread: "0" });
    expect(list).toEqual([{ messageid: "8792345", message: "۵", sender: "09123456789", receptor: "30002225", date: 1356619709 }]);
  });

  it("sms/receive with no messages: entries null or empty is an empty list", async () => {
    answers["sms/receive"] = { status: 200, body: JSON.stringify({ return: { status: 200, message: "تایید شد" }, entries: null }) };
    expect(await productionClient().receive("30002225")).toEqual([]);
    answers["sms/receive"] = ok([]);
    expect(await productionClient().receive("30002225")).toEqual([]);
  });
});

describe("documented errors", () => {
  const error = (code: number, message: string): Canned => ({
    status: code,
    body: JSON.stringify({ return: { status: code, message }, entries: null }),
  });

  it.each([
    [418, "اعتبار حساب شما کافی نیست", "permanent"],
    [411, "دریافت کننده نامعتبر است", "permanent"],
    [412, "ارسال کننده نامعتبر است", "permanent"],
    [424, "الگوی مورد نظر پیدا نشد", "permanent"],
    [409, "سرور قادر به پاسخگوئی نیست بعدا تلاش کنید", "retry"],
  ] as const)("%i (%s) → %s", async (code, message, outcome) => {
    answers["sms/send"] = error(code, message);
    const e = await failureOf(productionClient().send({ receptor: "09123456789", message: "x", localid: "1" }));
    expect(e).toMatchObject({ outcome, failure: "provider", code });
    expect(e.message).toContain(message);
  });

  it("an error envelope with HTTP 200 is still an error", async () => {
    answers["sms/send"] = { status: 200, body: JSON.stringify({ return: { status: 418, message: "اعتبار حساب شما کافی نیست" }, entries: null }) };
    expect(await failureOf(productionClient().send({ receptor: "09123456789", message: "x", localid: "1" }))).toMatchObject({
      outcome: "permanent",
      code: 418,
    });
  });

  it("a wrong key: 403, permanent", async () => {
    const env = loadEnv({ SESSION_SECRET: "x".repeat(20), DATA_DIR: ".data/test-env", KAVENEGAR_API_KEY: "WRONGKEY123", KAVENEGAR_BASE_URL: base });
    const c = createKavenegarClient({ apiKey: env.kavenegarApiKey, baseUrl: env.kavenegarBaseUrl });
    const e = await failureOf(c.send({ receptor: "09123456789", message: "x", localid: "1" }));
    expect(e).toMatchObject({ outcome: "permanent", failure: "provider", code: 403 });
    expect(e.message).not.toContain("WRONGKEY123");
  });

  it("a gateway's HTML 502, a non-envelope 200 and a hang-up are all retryable", async () => {
    answers["sms/send"] = { status: 502, body: "<html>Bad Gateway</html>", type: "text/html" };
    expect(await failureOf(productionClient().send({ receptor: "09123456789", message: "x", localid: "1" }))).toMatchObject({
      outcome: "retry",
      failure: "http",
      code: 502,
    });
    answers["sms/send"] = { status: 200, body: "<html>maintenance</html>", type: "text/html" };
    expect(await failureOf(productionClient().send({ receptor: "09123456789", message: "x", localid: "1" }))).toMatchObject({
      outcome: "retry",
      failure: "protocol",
    });
    answers["sms/send"] = ok([{ messageid: "not a number" }]);
    expect(await failureOf(productionClient().send({ receptor: "09123456789", message: "x", localid: "1" }))).toMatchObject({
      outcome: "retry",
      failure: "protocol",
    });
    answers["sms/send"] = "hang-up";
    expect(await failureOf(productionClient().send({ receptor: "09123456789", message: "x", localid: "1" }))).toMatchObject({
      outcome: "retry",
      failure: "network",
    });
  });
});

describe("configuration", () => {
  const base0 = { SESSION_SECRET: "x".repeat(20), DATA_DIR: ".data/test-env" };

  it("without a key the simulator is used, on KAVENEGAR_SIM_PORT", () => {
    const env = loadEnv({ ...base0, KAVENEGAR_SIM_PORT: "8123" });
    expect(env).toMatchObject({ smsSimulated: true, kavenegarBaseUrl: "http://127.0.0.1:8123/v1" });
  });

  it("with a key and no base URL, Kavenegar's own HTTPS endpoint", () => {
    expect(loadEnv({ ...base0, KAVENEGAR_API_KEY: KEY }).kavenegarBaseUrl).toBe("https://api.kavenegar.com/v1");
  });

  it("refuses plain HTTP to another machine (the key travels in the URL), and a base URL without a key", () => {
    expect(() => loadEnv({ ...base0, KAVENEGAR_API_KEY: KEY, KAVENEGAR_BASE_URL: "http://api.kavenegar.com/v1" })).toThrow(/KAVENEGAR_BASE_URL/);
    expect(() => loadEnv({ ...base0, KAVENEGAR_BASE_URL: "https://api.kavenegar.com/v1" })).toThrow(EnvError);
    expect(() => loadEnv({ ...base0, KAVENEGAR_SENDER: "line-1" })).toThrow(/KAVENEGAR_SENDER/);
  });
});
