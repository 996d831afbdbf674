import { useEffect } from "react";
import { useFetchers, useLocation, useNavigation, useRevalidator } from "@remix-run/react";

/** What the page's DOM shows since React's last commit of the root (read by the end-to-end tests). */
export interface CommitMark {
  /** Counts the commits that re-rendered the root (one per router state React committed). */
  seq: number;
  /** The location the committed DOM shows. */
  key: string;
  /** No navigation, revalidation or fetcher was in flight in the committed render. */
  idle: boolean;
}

/**
 * After every commit of a router state, records on `window.__appCommit` which location it shows and whether the
 * router was idle in it. Remix hands router states to React as transitions, so the router can be idle well
 * before React has put the new page on screen; the e2e suite waits on this mark (tests/e2e/fixtures.ts) instead
 * of on the router alone. Renders nothing and costs one property write per commit.
 */
export function CommitMarker() {
  const location = useLocation();
  const navigation = useNavigation();
  const revalidator = useRevalidator();
  const fetchers = useFetchers();
  const idle = navigation.state === "idle" && revalidator.state === "idle" && fetchers.every((f) => f.state === "idle");
  useEffect(() => {
    const w = window as unknown as { __appCommit?: CommitMark };
    w.__appCommit = { seq: (w.__appCommit?.seq ?? 0) + 1, key: location.key, idle };
  });
  return null;
}
