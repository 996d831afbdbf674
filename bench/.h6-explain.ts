import { CompiledQuery, sql } from "kysely";
import { openDatabase } from "../db/connection";
import { nearestCandidateFactsQuery, candidateFactsQuery, ticketDispatchFacts, nearestCandidateFacts } from "../db/repos/dispatch";
const k = Number(process.argv[2] ?? 32);
const h = await openDatabase({ databaseUrl: "postgres://postgres:postgres@127.0.0.1:54396/b6", dataDir: "/tmp/x", embeddedPort: 0 });
const db = h.db;
const now = new Date("2026-12-05T07:00:00Z");
const { rows } = await sql<{ id: number; city: string }>`select id, city from tickets where type='breakdown' and city in ('تهران','کرمانشاه') order by id limit 2000`.execute(db);
const teh = rows.find((r) => r.city === "تهران")!, ker = rows.find((r) => r.city === "کرمانشاه")!;
for (const t of [teh, ker]) {
  const f = (await ticketDispatchFacts(db, t.id))!;
  const bc = (await sql<{ brand_id: number; category_id: number }>`select brand_id, category_id from agency_authorizations group by 1,2 order by count(*) desc limit 1`.execute(db)).rows[0]!;
  f.brandId = bc.brand_id; f.categoryId = bc.category_id;
  for (const q of [nearestCandidateFactsQuery(f, now, k), candidateFactsQuery(f, now)]) {
    const c = q.compile(db);
    for (let i = 0; i < 3; i++) await db.executeQuery(c);
    const r = await db.executeQuery<{ "QUERY PLAN": string }>(CompiledQuery.raw(`explain (analyze, buffers) ${c.sql}`, [...c.parameters]));
    const plan = r.rows.map((x) => x["QUERY PLAN"]).join("\n");
    console.log(t.city, process.argv[3] === "full" ? plan : plan.split("\n").filter((l) => /Planning Time|Execution Time|agencies_location|Limit|rows=/.test(l)).slice(0, 6).concat(plan.split("\n").slice(-2)).join("\n"));
  }
  const n = await nearestCandidateFacts(db, f, now, k);
  console.log("complete", n.complete, n.candidates.length, n.complete ? "" : n.beyondKm);
}
await h.close();
