/**
 * The ticket list's vocabulary: the columns it may be sorted by (a whitelist: nothing else reaches ORDER BY),
 * the directions and page sizes, and the dates its range filter accepts. Pure: used by the web shell's parser,
 * the repository and the browser's table.
 */

/**
 * Sortable columns. `status` and `priority` sort by their order in core/ticket.ts (life cycle, low → urgent),
 * `sla_due` by the resolution due time; ties are broken by creation time and id in the same direction.
 */
export const TICKET_SORTS = ["created_at", "number", "status", "priority", "sla_due"] as const;
export type TicketSort = (typeof TICKET_SORTS)[number];

export const SORT_DIRECTIONS = ["asc", "desc"] as const;
export type SortDirection = (typeof SORT_DIRECTIONS)[number];

export const DEFAULT_TICKET_SORT: TicketSort = "created_at";
export const DEFAULT_SORT_DIRECTION: SortDirection = "desc";

export const TICKET_PAGE_SIZES = [25, 50, 100] as const;
export const DEFAULT_TICKET_PAGE_SIZE = 25;
/** Deeper pages are refused (offset pagination reads every row before the page). */
export const MAX_TICKET_PAGE = 10_000;

/** The direction a header link asks for: the other one when the list is already sorted by it. */
export function nextSortDirection(column: TicketSort, current: { sort: TicketSort; dir: SortDirection }): SortDirection {
  if (column === current.sort) return current.dir === "asc" ? "desc" : "asc";
  // new columns open the way people read them: newest, highest number, most urgent, soonest due first
  return column === "sla_due" || column === "status" ? "asc" : "desc";
}

