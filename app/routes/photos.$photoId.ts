import type { LoaderFunctionArgs } from "@remix-run/node";
import { photoResponse } from "~/lib/photos.server";

// A resource route: one completion photo, for the report's thumbnails on the ticket pages (staff, the agency).
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  return photoResponse(request, context, params.photoId);
}
