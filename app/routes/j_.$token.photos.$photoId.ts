import type { LoaderFunctionArgs } from "@remix-run/node";
import { jobReports } from "~/lib/db.server";
import { parsePhotoId, photoBody } from "~/lib/photos.server";
import { openJobLink } from "~/lib/services.server";

/*
 * A resource route: a photo the technician sent through this very link, for its job page (/j/<token>).
 * The link is checked as the page checks it (a refused token counts against the address); any other photo,
 * or a link that no longer works, is a 404.
 */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const notFound = new Response("Not found", { status: 404, headers: { "Cache-Control": "private, no-store" } });
  const photoId = parsePhotoId(params.photoId);
  if (photoId === null) return notFound;
  const opened = await openJobLink(context.db, params.token ?? "", { ip: context.clientIp, daysAfterClose: context.env.JOB_LINK_DAYS_AFTER_CLOSE });
  if (opened.kind !== "valid") return notFound;
  const response = await photoBody(context, request, await jobReports.linkPhoto(context.db, opened.linkId, photoId));
  response.headers.set("Referrer-Policy", "same-origin");
  return response;
}
