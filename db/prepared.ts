/**
 * Prepared (named) statements for the hot queries (the session lookup, the ticket list's page, the dispatch
 * decision's ticket facts and candidates). Kysely sends every statement unnamed, so PostgreSQL parses,
 * analyses and plans it again on each execution; planning the dispatch candidate query costs about as much
 * as running it. A statement whose text begins with PREPARE_MARKER is sent by our pools' clients
 * (PreparingClient) as a NAMED statement instead, named after its text: parsed once per connection, then
 * only bound and executed. PostgreSQL plans it for its parameters' values the first five times, then keeps
 * one generic plan when that plan is estimated no dearer (plan_cache_mode = auto); a statement with no
 * parameters is planned once per connection (and again after an ANALYZE or a schema change of its tables).
 *
 * Marked statements are opt-in, one call site each (`executePrepared`): a statement whose best plan depends
 * on its values (a search term, a date range) stays unmarked, and values that choose the plan's shape
 * (a page size, a constant, an enum filter) are written into the text as literals by their callers.
 *
 * The marker is plain text, so the web build's own copy of this module (Remix bundles db/) and server.ts's
 * pool agree on it without sharing memory.
 */
import { createHash } from "node:crypto";
import pg from "pg";
import type { CompiledQuery, QueryResult } from "kysely";

export const PREPARE_MARKER = "/* prepared */ ";

/** At most this many named statements per connection; past it further texts go unnamed (as before). */
export const MAX_PREPARED_PER_CONNECTION = 200;

const names = new Map<string, string>();

/** The statement's name on every connection: a digest of its whole text (marker included). */
export function preparedName(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `q_${createHash("sha1").update(text).digest("hex")}`;
    if (names.size >= 1000) names.clear();
    names.set(text, name);
  }
  return name;
}

type QueryFn = (...args: unknown[]) => unknown;

/**
 * pg's Client, naming the statements marked by PREPARE_MARKER (pg then sends Parse only the first time on
 * this connection). Given to our pools as `new pg.Pool({ Client: PreparingClient })`.
 */
export class PreparingClient extends pg.Client {
  /** the names this connection has prepared (or sent to prepare) */
  readonly #prepared = new Set<string>();

  // (pg's overloads are many; this one handles Kysely's call, query(text, values), and passes the rest on)
  override query(...args: unknown[]): never {
    const [text, values, callback] = args;
    if (
      typeof text === "string" &&
      text.startsWith(PREPARE_MARKER) &&
      (values === undefined || Array.isArray(values)) &&
      callback === undefined
    ) {
      const name = preparedName(text);
      if (this.#prepared.has(name) || this.#prepared.size < MAX_PREPARED_PER_CONNECTION) {
        this.#prepared.add(name);
        return (pg.Client.prototype.query as QueryFn).call(this, { name, text, values }) as never;
      }
    }
    return (pg.Client.prototype.query as QueryFn).apply(this, args) as never;
  }
}

/** A Kysely or a transaction: what runs a compiled query. */
interface Conn {
  executeQuery<R>(query: CompiledQuery<R>): Promise<QueryResult<R>>;
}

/**
 * Runs a compiled query as a named statement on the connection that runs it (a pool's or the transaction's).
 * On a pool made without PreparingClient it runs as an ordinary unnamed statement: same rows.
 */
export async function executePrepared<R>(db: Conn, query: CompiledQuery<R>): Promise<R[]> {
  const result = await db.executeQuery<R>({ ...query, sql: PREPARE_MARKER + query.sql });
  return result.rows;
}
