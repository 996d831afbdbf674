import { describe, expect, it } from "vitest";
import { nextSortDirection } from "../../core/ticket-list";

describe("sortable headers", () => {
  it("flip the direction of the current sort and open a new one the way people read it", () => {
    expect(nextSortDirection("created_at", { sort: "created_at", dir: "desc" })).toBe("asc");
    expect(nextSortDirection("created_at", { sort: "created_at", dir: "asc" })).toBe("desc");
    expect(nextSortDirection("number", { sort: "created_at", dir: "desc" })).toBe("desc");
    expect(nextSortDirection("sla_due", { sort: "created_at", dir: "desc" })).toBe("asc");
    expect(nextSortDirection("status", { sort: "number", dir: "asc" })).toBe("asc");
  });
});
