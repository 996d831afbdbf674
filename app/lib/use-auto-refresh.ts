import { useNavigation, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";

/** Loads the page again every few seconds while it is visible and idle, so what changed elsewhere shows up by itself. */
export function useAutoRefresh(ms: number) {
  const revalidator = useRevalidator();
  const navigation = useNavigation();
  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === "visible" && revalidator.state === "idle" && navigation.state === "idle") revalidator.revalidate();
    }, ms);
    return () => clearInterval(timer);
  }, [ms, revalidator, navigation.state]);
}
