import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  agencyMayEdit,
  checkClaimCorrection,
  CLAIM_STATUSES,
  claimOwedFromLedger,
  correctable,
  correctionEntryRials,
  MAX_CORRECTION_RIALS,
} from "../../core/claims";
import { claimEntryRials, nextPeriod, summarizeStatement, type LedgerKind, type StatementEntry } from "../../core/ledger";

/*
 * Corrections of decided warranty claims (issue 15 §3): "entries are never edited, corrections are new
 * entries", each on the statement of the month it is MADE in. Property: with corrections mixed in, every
 * statement still equals the sum of its entries, no rial is lost across the months, the decision's month is
 * never changed by a later correction, and a claim never owes less than zero.
 */

describe("drafts and corrections: the rules", () => {
  it("only a draft is editable by the agency; only an owed (decided, not rejected) claim is correctable", () => {
    expect(CLAIM_STATUSES.filter(agencyMayEdit)).toEqual(["draft"]);
    expect(CLAIM_STATUSES.filter(correctable)).toEqual(["approved", "partly_approved", "paid"]);
  });

  it("a correction is non-zero, bounded, has its reason and never makes the claim owe less than zero", () => {
    expect(checkClaimCorrection(1_000_000, -200_000, "قطعه گارانتی تأمین‌کننده داشت")).toBeNull();
    expect(checkClaimCorrection(1_000_000, 500_000, "اجرت کم حساب شده بود")).toBeNull();
    expect(checkClaimCorrection(1_000_000, -1_000_000, "همه برگشت")).toBeNull();
    expect(checkClaimCorrection(1_000_000, -1_000_001, "بیش از حد")).toBe("correctionTooLarge");
    expect(checkClaimCorrection(1_000_000, 0, "صفر")).toBe("amountInvalid");
    expect(checkClaimCorrection(1_000_000, 1.5, "کسری")).toBe("amountInvalid");
    expect(checkClaimCorrection(1_000_000, MAX_CORRECTION_RIALS + 1, "زیاد")).toBe("amountInvalid");
    expect(checkClaimCorrection(1_000_000, 10, "   ")).toBe("reasonRequired");
    expect(checkClaimCorrection(1_000_000, 10, "x".repeat(501))).toBe("reasonTooLong");
  });

  it("the ledger's sign is the opposite of the claim's: + owed to the agency is a negative entry", () => {
    expect(correctionEntryRials(50_000)).toBe(-50_000);
    expect(correctionEntryRials(-50_000)).toBe(50_000);
    expect(() => correctionEntryRials(0)).toThrow(RangeError);
    expect(claimOwedFromLedger([claimEntryRials(1_300_000), correctionEntryRials(-200_000), correctionEntryRials(50_000)])).toBe(1_150_000);
    // corrected down to nothing: 0, not −0 (which a number formatter writes "−۰"; found by the property below)
    expect(Object.is(claimOwedFromLedger([claimEntryRials(1), correctionEntryRials(-1)]), 0)).toBe(true);
  });
});

interface Entry extends StatementEntry {
  period: string;
  claim: number | null;
}

const PERIODS = (() => {
  const out = ["1404-11"];
  while (out.length < 6) out.push(nextPeriod(out.at(-1)!));
  return out;
})();

/** A history: claims decided in some month, referral fees, payments; then corrections made in the same or a later month. */
const history = fc.record({
  claims: fc.array(fc.record({ month: fc.integer({ min: 0, max: 5 }), approved: fc.integer({ min: 1, max: 40_000_000 }) }), { minLength: 1, maxLength: 8 }),
  fees: fc.array(fc.record({ month: fc.integer({ min: 0, max: 5 }), amount: fc.integer({ min: 0, max: 9_000_000 }) }), { maxLength: 8 }),
  payments: fc.array(fc.record({ month: fc.integer({ min: 0, max: 5 }), amount: fc.integer({ min: -50_000_000, max: 50_000_000 }).filter((a) => a !== 0) }), { maxLength: 3 }),
  corrections: fc.array(
    fc.record({ claim: fc.nat(), later: fc.integer({ min: 0, max: 5 }), delta: fc.integer({ min: -45_000_000, max: 45_000_000 }) }),
    { maxLength: 12 },
  ),
});

function statements(entries: readonly Entry[]) {
  const by = new Map<string, Entry[]>();
  for (const e of entries) by.set(e.period, [...(by.get(e.period) ?? []), e]);
  return new Map([...by].map(([p, es]) => [p, { summary: summarizeStatement(es), sum: es.reduce((s, e) => s + e.amountRials, 0), claims: es.filter((e) => e.kind === "warranty_claim" || e.kind === "claim_adjustment").reduce((s, e) => s + e.amountRials, 0) }]));
}

describe("corrections mixed into the statements (property)", () => {
  it("every statement equals the sum of its entries; no rial is lost; the decision's month is never changed by a later correction", () => {
    fc.assert(
      fc.property(history, (h) => {
        const base: Entry[] = [
          ...h.claims.map((c, i): Entry => ({ kind: "warranty_claim", amountRials: claimEntryRials(c.approved), period: PERIODS[c.month]!, claim: i })),
          ...h.fees.map((f): Entry => ({ kind: "referral_fee", amountRials: f.amount, period: PERIODS[f.month]!, claim: null })),
          ...h.payments.map((p): Entry => ({ kind: "payment", amountRials: p.amount, period: PERIODS[p.month]!, claim: null })),
        ];
        const before = statements(base);
        const all = [...base];
        const accepted = new Map<number, number>();
        for (const c of h.corrections) {
          const claimIndex = c.claim % h.claims.length;
          const decidedIn = h.claims[claimIndex]!.month;
          // the correction is made in the decision's month or later, and lands on the month it is made in
          const madeIn = Math.min(5, decidedIn + c.later);
          const owed = claimOwedFromLedger(all.filter((e) => e.claim === claimIndex).map((e) => e.amountRials));
          if (checkClaimCorrection(owed, c.delta, "اصلاح") !== null) continue;
          all.push({ kind: "claim_adjustment" satisfies LedgerKind, amountRials: correctionEntryRials(c.delta), period: PERIODS[madeIn]!, claim: claimIndex });
          accepted.set(claimIndex, (accepted.get(claimIndex) ?? 0) + c.delta);
        }
        const after = statements(all);
        let total = 0;
        for (const [period, s] of after) {
          // a statement always equals the sum of its entries: due + payments is the balance
          expect(s.summary.balance).toBe(s.sum);
          expect(s.summary.claims).toBe(s.claims);
          expect(s.summary.due).toBe(s.summary.fees + s.summary.adjustments + s.summary.claims);
          total += s.summary.balance;
          // a month that received no correction is exactly what it was
          if (!all.some((e) => e.kind === "claim_adjustment" && e.period === period)) expect(s).toEqual(before.get(period));
        }
        // netting never loses a rial: the months together are every entry
        expect(total).toBe(all.reduce((s, e) => s + e.amountRials, 0));
        // each claim owes what was granted plus its accepted corrections, never below zero
        h.claims.forEach((c, i) => {
          const owed = claimOwedFromLedger(all.filter((e) => e.claim === i).map((e) => e.amountRials));
          expect(owed).toBe(c.approved + (accepted.get(i) ?? 0));
          expect(owed).toBeGreaterThanOrEqual(0);
        });
      }),
      { numRuns: 300 },
    );
  });
});
