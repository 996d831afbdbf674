import type { LoaderFunctionArgs } from "@remix-run/node";
import { pingDatabase } from "~/lib/db.server";

const startedAt = Date.now();

export async function loader({ context }: LoaderFunctionArgs) {
  const dbOk = await pingDatabase(context.db);
  return Response.json(
    { status: dbOk ? "ok" : "error", db: dbOk ? "ok" : "unreachable", uptimeSeconds: Math.round((Date.now() - startedAt) / 1000) },
    { status: dbOk ? 200 : 503, headers: { "Cache-Control": "no-store" } },
  );
}
