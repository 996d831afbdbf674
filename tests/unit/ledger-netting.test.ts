import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decideClaim } from "../../core/claims";
import { balanceDirection, claimEntryRials, settlementAmount, summarizeStatement, type StatementEntry } from "../../core/ledger";

/*
 * The two-way ledger (issue 15 §3, §6): property tests of the netting of warranty claims (owed by the
 * manufacturer) against referral fees (owed by the agency).
 */

const rials = fc.integer({ min: 1, max: 50_000_000 });
/** a claim decided line by line: what each line claimed and what was granted of it */
const decidedClaim = fc.array(fc.tuple(rials, fc.double({ min: 0, max: 1, noNaN: true })), { minLength: 1, maxLength: 6 }).map((lines) =>
  lines.map(([claimed, share]) => {
    const approved = Math.floor(claimed * share);
    return { claimedRials: claimed, approvedRials: approved, reason: approved < claimed ? "کسر" : null };
  }),
);

/** Any mix of a month's entries: fees, fee adjustments, (partly) approved claims, claim corrections, payments either way. */
const entries = fc.array(
  fc.oneof(
    rials.map((a): StatementEntry => ({ kind: "referral_fee", amountRials: a })),
    fc.integer({ min: -5_000_000, max: 5_000_000 }).filter((a) => a !== 0).map((a): StatementEntry => ({ kind: "fee_adjustment", amountRials: a })),
    decidedClaim.chain((lines) => {
      const d = decideClaim(lines);
      return "problem" in d || d.approvedRials === 0 ? fc.constant<StatementEntry[]>([]) : fc.constant<StatementEntry[]>([{ kind: "warranty_claim", amountRials: claimEntryRials(d.approvedRials) }]);
    }).map((e) => e[0] ?? ({ kind: "referral_fee", amountRials: 0 } as StatementEntry)),
    fc.integer({ min: -5_000_000, max: 5_000_000 }).filter((a) => a !== 0).map((a): StatementEntry => ({ kind: "claim_adjustment", amountRials: a })),
    fc.integer({ min: -80_000_000, max: 80_000_000 }).filter((a) => a !== 0).map((a): StatementEntry => ({ kind: "payment", amountRials: a })),
  ),
  { maxLength: 40 },
);

describe("the two-way ledger's netting (core/ledger.ts)", () => {
  it("netting never loses a rial: the balance is the sum of every entry, for any mix", () => {
    fc.assert(
      fc.property(entries, (es) => {
        const s = summarizeStatement(es);
        const sum = es.reduce((a, e) => a + e.amountRials, 0);
        expect(s.balance).toBe(sum);
        // each entry falls in exactly one of the statement's sums
        expect(s.fees + s.adjustments + s.claims - s.paid).toBe(sum);
        expect(s.due).toBe(s.fees + s.adjustments + s.claims);
      }),
      { numRuns: 500 },
    );
  });

  it("a statement equals the sum of its entries in any order, and of any split of them", () => {
    fc.assert(
      fc.property(entries, fc.nat(), (es, cut) => {
        const k = es.length === 0 ? 0 : cut % (es.length + 1);
        const whole = summarizeStatement(es);
        const reversed = summarizeStatement([...es].reverse());
        const a = summarizeStatement(es.slice(0, k));
        const b = summarizeStatement(es.slice(k));
        expect(reversed.balance).toBe(whole.balance);
        expect(a.balance + b.balance).toBe(whole.balance);
        expect(a.claims + b.claims).toBe(whole.claims);
        expect(a.fees + b.fees).toBe(whole.fees);
      }),
    );
  });

  it("settling pays the balance in whichever direction it runs, and leaves nothing", () => {
    fc.assert(
      fc.property(entries, (es) => {
        const s = summarizeStatement(es);
        const pay = settlementAmount(s.balance);
        if (pay === null) {
          expect(balanceDirection(s.balance)).toBe("none");
          return;
        }
        expect(balanceDirection(s.balance)).toBe(s.balance > 0 ? "agency_pays" : "manufacturer_pays");
        const after = summarizeStatement([...es, { kind: "payment", amountRials: pay }]);
        expect(after.balance).toBe(0);
        expect(after.state).toBe("settled");
      }),
    );
  });

  it("a partly approved claim owes exactly what its lines granted, never more than was claimed", () => {
    fc.assert(
      fc.property(decidedClaim, (lines) => {
        const d = decideClaim(lines);
        if ("problem" in d) throw new Error(d.problem);
        const granted = lines.reduce((a, l) => a + l.approvedRials, 0);
        const claimed = lines.reduce((a, l) => a + l.claimedRials, 0);
        expect(d.approvedRials).toBe(granted);
        expect(granted).toBeLessThanOrEqual(claimed);
        expect(d.status).toBe(granted === 0 ? "rejected" : granted === claimed ? "approved" : "partly_approved");
        if (granted > 0) expect(summarizeStatement([{ kind: "warranty_claim", amountRials: claimEntryRials(granted) }]).balance).toBe(-granted);
      }),
    );
  });

  it("hand-computed: a fee of 150,000 against a claim granted 1,650,000 of 2,100,000 leaves the manufacturer owing 1,500,000", () => {
    const d = decideClaim([
      { claimedRials: 1_200_000, approvedRials: 1_200_000, reason: null },
      { claimedRials: 450_000, approvedRials: 450_000, reason: null },
      { claimedRials: 450_000, approvedRials: 0, reason: "قطعه در گزارش نیست" },
    ]);
    if ("problem" in d) throw new Error(d.problem);
    const s = summarizeStatement([
      { kind: "referral_fee", amountRials: 150_000 },
      { kind: "warranty_claim", amountRials: claimEntryRials(d.approvedRials) },
    ]);
    expect(s).toEqual({ fees: 150_000, adjustments: 0, claims: -1_650_000, due: -1_500_000, paid: 0, balance: -1_500_000, state: "open" });
    expect(settlementAmount(s.balance)).toBe(1_500_000);
  });
});
