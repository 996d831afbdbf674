import { useEffect, useRef, useState } from "react";
import { formatTimeLeft, timeLeft } from "../../core/agency-offers";
import { formatDigits } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";

/**
 * The time left to answer an offer, ticking every second in the reader's digits. The first render (the
 * server's, and the browser's hydration of it) uses the server's clock (`serverNow`, from the loader) so
 * both render the same text; after that it counts on the browser's clock, corrected by how far it was from
 * the server's when the data arrived. `onExpired` runs once when the deadline passes.
 */
export function OfferCountdown({ deadlineAt, serverNow, onExpired }: { deadlineAt: string | Date; serverNow: number; onExpired?: () => void }) {
  const t = useT();
  const locale = useLocale();
  const [now, setNow] = useState(serverNow);
  const expiredCalled = useRef(false);
  const onExpiredRef = useRef(onExpired);
  useEffect(() => {
    onExpiredRef.current = onExpired;
  });
  useEffect(() => {
    const skew = serverNow - Date.now();
    const tick = () => setNow(Date.now() + skew);
    tick();
    const timer = setInterval(tick, 1000);
    return () => clearInterval(timer);
  }, [serverNow]);
  const left = timeLeft(deadlineAt, now);
  useEffect(() => {
    if (left.expired && !expiredCalled.current) {
      expiredCalled.current = true;
      onExpiredRef.current?.();
    }
  }, [left.expired]);
  const total = left.hours * 3600 + left.minutes * 60 + left.seconds;
  return (
    <span className={`countdown${left.expired ? " expired" : total < 300 ? " soon" : ""}`} role="timer" aria-live="off" data-testid="offer-countdown" data-seconds-left={total}>
      {left.expired ? t("agencyOffers.expired") : <span className="ltr">{formatDigits(formatTimeLeft(left), locale)}</span>}
    </span>
  );
}
