import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { nameSearchKey, searchKey } from "../../core/text";
import type { DB } from "../../db/connection";
import { getTestDb, resetDatabase } from "../support/db";

let db: DB;

beforeAll(async () => {
  db = await getTestDb();
  await resetDatabase(db);
});

/** Spellings that differ in every way the normaliser knows about, and some it must leave alone. */
const TRICKY = [
  "صادقی",
  "صادقي",
  "كريمي",
  "موسى",
  "فاطمة زهرا",
  "أحمد إسلامي",
  "ٱلله",
  "مؤمن",
  "محمد\u200cرضا",
  "محمد\u200dرضا",
  "محمد\u200bرضا",
  "\u200fعلی\u200e احمدی\u202c",
  "\u2067علی\u2069",
  "\ufeffعلی",
  "علی\u00adرضا",
  "  محمد   رضا  ",
  "\tعلی\nاحمدی\r\n",
  "علی\u00a0احمدی",
  "علی\u2009\u200aاحمدی\u3000",
  "علی\u202fاحمدی\u205f",
  "علی\u1680احمدی\u2028\u2029",
  "علی\u000b\u000cاحمدی",
  "مُحَمَّد",
  "رضـــا",
  "هٰذا",
  "\u0627\u0654حمد",
  "\u0627\u0653ب",
  "\u064a\u0654",
  "۱۰۰۰۰۲۹۸",
  "٠٩٣٥١٢٣٤٥٦٧",
  "۰۹۱۲ ٣٤٥ 6789",
  "Ali REZAEI",
  "ÉMILE Ö Ø Æ",
  "İstanbul",
  "ΟΔΟΣ ΣΑΣ",
  "ǅemal",
  "ẞtraße",
  "Ⅷ Ⓐ",
  "𐐀𐐁",
  "e\u0301cole",
  "ﻻ ﷲ",
  "a%b_c\\d",
  "",
  " ",
  "\u200c",
  "زینب مرادی",
];

describe("search_key() in PostgreSQL", () => {
  it("gives the same key as core/text.ts searchKey for every tricky input", async () => {
    const { rows } = await sql<{ input: string; key: string }>`
      select input, search_key(input) as key from unnest(${TRICKY}::text[]) as input`.execute(db);
    expect(rows.map((r) => [r.input, r.key])).toEqual(TRICKY.map((s) => [s, searchKey(s)]));
  });

  it("stores the same name keys as core/text.ts nameSearchKey for every tricky input", async () => {
    const names = TRICKY.filter((s) => nameSearchKey(s).length >= 2);
    const rows = await db
      .insertInto("customers")
      .values(names.map((full_name, i) => ({ full_name, mobile: `+98912000${String(i).padStart(4, "0")}` })))
      .returning(["full_name", "name_search"])
      .execute();
    expect(rows.map((r) => [r.full_name, r.name_search])).toEqual(names.map((s) => [s, nameSearchKey(s)]));
    await db.deleteFrom("customers").execute();
  });

  it("fills customers.name_search on every insert and update", async () => {
    const c = await db
      .insertInto("customers")
      .values({ full_name: "محمد\u200cرضا صادقي", mobile: "+989121110000" })
      .returning(["id", "name_search"])
      .executeTakeFirstOrThrow();
    expect(c.name_search).toBe(nameSearchKey("محمدرضا صادقی"));
    expect(c.name_search).toBe("محمدرضاصادقی");
    const u = await db
      .updateTable("customers")
      .set({ full_name: "Ali  KARIMI" })
      .where("id", "=", c.id)
      .returning("name_search")
      .executeTakeFirstOrThrow();
    expect(u.name_search).toBe("alikarimi");
  });

  it("lets the trigram index read Persian names (the cluster's LC_CTYPE understands Persian letters)", async () => {
    const { rows } = await sql<{ t: string[] }>`select show_trgm(search_key('زینب مرادی')) as t`.execute(db);
    expect(rows[0]!.t.length).toBeGreaterThan(0);
  });
});
