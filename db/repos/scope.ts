/**
 * Which rows a caller may see. Agency users are limited to their own agency in the
 * queries themselves, so a URL typed by hand cannot reach another agency's data: the tickets assigned to
 * it, and those of its pending offers whose deadline has not passed (db/repos/tickets.ts inScope; an offer
 * past its deadline grants nothing even before the offer__expire job marks it expired).
 */
export type DataScope = { kind: "all" } | { kind: "agency"; agencyId: number };
