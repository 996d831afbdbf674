/**
 * Which rows a caller may see. Agency users are limited to their own agency in the
 * queries themselves, so a URL typed by hand cannot reach another agency's data.
 */
export type DataScope = { kind: "all" } | { kind: "agency"; agencyId: number };
