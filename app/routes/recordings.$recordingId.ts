import type { LoaderFunctionArgs } from "@remix-run/node";
import { recordingResponse } from "~/lib/recordings.server";

// A resource route: the audio of one call recording, for the ticket page's player.
export async function loader(args: LoaderFunctionArgs) {
  return recordingResponse(args);
}
