// Preloaded into the telephony shell by bench/screen-pop.ts (`node --import ./bench/count-queries.mjs …`): counts
// the queries the process sends to PostgreSQL (each `pg` Client#query call, the pool's and the LISTEN
// connection's alike: one round trip each, whatever it holds) and, on SIGUSR2, writes the count so far to
// BENCH_QUERIES_FILE. Plain JavaScript: it is loaded before tsx.
import { writeFileSync } from "node:fs";
import pg from "pg";

let queries = 0;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function countedQuery(...args) {
  queries++;
  return query.apply(this, args);
};
const file = process.env.BENCH_QUERIES_FILE;
if (file) process.on("SIGUSR2", () => writeFileSync(file, String(queries)));
