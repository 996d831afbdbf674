// The delay audit's door to the data layer and services (issue 14 §1), for its routes only.
import { z } from "zod";
import { DELAY_CAUSES, DELAY_STAGES, type DelayCause, type DelayStage } from "../../core/delays";
import type { DelayFilter } from "../../db/repos/delays";
import { parseDateRange, type DatePreset } from "./report-params.server";
import { readSearchParams } from "./input.server";
import type { MessageKey } from "~/i18n";
import { rangeSearch } from "~/lib/report-table";

export * as delays from "../../db/repos/delays";
export * as slaRules from "../../db/repos/sla-rules";
export { deleteSlaTarget, saveSlaTarget, SlaTargetError } from "../../services/sla-targets";

const Filters = z.object({
  agency: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional().catch(undefined),
  stage: z.enum(DELAY_STAGES).optional().catch(undefined),
  cause: z.enum(DELAY_CAUSES).optional().catch(undefined),
  breach: z.enum(["accept", "visit", "resolve", "any"]).optional().catch(undefined),
});

export interface DelayQuery {
  filter: DelayFilter;
  fromText: string;
  toText: string;
  /** the query string that reproduces the range and filters (for links and the export) */
  search: string;
  /** the range's own search (from, to) without the other filters */
  rangeSearch: string;
  error: MessageKey | null;
  presets: DatePreset[];
  agencyId: number | null;
  stage: DelayStage | null;
  cause: DelayCause | null;
  breach: DelayFilter["breach"];
}

const WatchLevel = z.enum(["at_risk", "breached"]).optional().catch(undefined);

/** The level the landing page's at-risk / breached list is narrowed to (`?level=`; anything else: both). */
export function parseWatchLevel(request: Request): "at_risk" | "breached" | null {
  return WatchLevel.parse(readSearchParams(new URL(request.url)).level) ?? null;
}

/** The range (Jalali from/to, Tehran midnights; bad input → the default range with a message) and the drill-down filters. */
export function parseDelayQuery(request: Request, now: Date): DelayQuery {
  const url = new URL(request.url);
  const range = parseDateRange(url, now);
  const f = Filters.parse(readSearchParams(url));
  const params = new URLSearchParams(rangeSearch(range));
  if (f.agency) params.set("agency", String(f.agency));
  if (f.stage) params.set("stage", f.stage);
  if (f.cause) params.set("cause", f.cause);
  if (f.breach) params.set("breach", f.breach);
  return {
    filter: { from: range.from, toExclusive: range.toExclusive, now, agencyId: f.agency ?? null, stage: f.stage ?? null, cause: f.cause ?? null, breach: f.breach ?? null },
    fromText: range.fromText,
    toText: range.toText,
    search: params.toString(),
    rangeSearch: rangeSearch(range),
    error: range.error,
    presets: range.presets,
    agencyId: f.agency ?? null,
    stage: f.stage ?? null,
    cause: f.cause ?? null,
    breach: f.breach ?? null,
  };
}
