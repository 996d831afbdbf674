import { DELAY_STAGES, stageDurations, STAGE_BOUNDS, type Milestones } from "../../core/delays";
import { formatDateTime, formatDuration } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";

/** The roll-up row of one ticket as its loader sends it (dates as JSON strings). */
export interface MilestonesData {
  registered_at: string | Date;
  offered_at: string | Date | null;
  accepted_at: string | Date | null;
  visited_at: string | Date | null;
  done_at: string | Date | null;
  closed_at: string | Date | null;
  cancelled: boolean;
  accept_due_at: string | Date | null;
  visit_due_at: string | Date | null;
  resolve_due_at: string | Date | null;
}

const d = (v: string | Date | null) => (v === null ? null : new Date(v));

/** Time spent in each stage of one request (from ticket_milestones), a late milestone marked. */
export function DelayStages({ m }: { m: MilestonesData }) {
  const t = useT();
  const locale = useLocale();
  const ms: Milestones = {
    registered: new Date(m.registered_at),
    offered: d(m.offered_at),
    accepted: d(m.accepted_at),
    visited: d(m.visited_at),
    done: d(m.done_at),
    closed: d(m.closed_at),
    cancelled: m.cancelled,
  };
  const secs = stageDurations(ms);
  const dueOf: Partial<Record<string, Date | null>> = { accepted: d(m.accept_due_at), visited: d(m.visit_due_at), done: d(m.resolve_due_at) };
  return (
    <section className="panel" aria-labelledby="delay-stages-title" data-testid="delay-stages">
      <h2 id="delay-stages-title">{t("delays.ticketStages.title")}</h2>
      <table className="data">
        <tbody>
          {DELAY_STAGES.map((s) => {
            const end = STAGE_BOUNDS[s][1];
            const reached = ms[end];
            const due = dueOf[end] ?? null;
            const late = reached && due ? reached.getTime() > due.getTime() : false;
            return (
              <tr key={s}>
                <th scope="row">{t(`delays.stage.${s}`)}</th>
                <td>{secs[s] === null ? t("delays.ticketStages.open") : formatDuration(secs[s], locale)}</td>
                <td>{reached ? formatDateTime(reached, locale) : t("common.none")}</td>
                <td>{late ? <span className="badge danger">{t("delays.ticketStages.breached")}</span> : null}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
