// The text form of an agreement policy, as a user writes it (CLI `--policy`, the golden file's
// "policy"): exact | tolerance:ABS:REL (decimals) | argmax | topk:K. On chain the tolerances are
// LegacyDec atoms (10^-18); chain/tensor/agreement.ts compares under the decoded policy.
import type { Policy } from "../../chain/tensor/agreement.ts";
import type { AgreementPolicy } from "../../proto/gen/dgrid/registry/v1/registry.ts";

const ATOMS = 10n ** 18n;

/** "exact" | "tolerance:ABS:REL" | "argmax" | "topk:K" -> proto AgreementPolicy; throws on anything else. */
export function parsePolicy(text: string): AgreementPolicy {
  const parts = String(text).trim().split(":");
  const dec = (s: string | undefined) => {
    if (!s || !/^\d+(\.\d{1,18})?$/.test(s)) throw new Error(`invalid decimal "${s}" in policy "${text}"`);
    const [i, f = ""] = s.split(".");
    return (BigInt(i) * ATOMS + BigInt(f.padEnd(18, "0"))).toString();
  };
  switch (parts[0]) {
    case "exact":
      if (parts.length === 1) return { exact: {} };
      break;
    case "argmax":
      if (parts.length === 1) return { argmax: {} };
      break;
    case "tolerance":
      if (parts.length === 3) return { tolerance: { abs: dec(parts[1]), rel: dec(parts[2]) } };
      break;
    case "topk":
      if (parts.length === 2 && /^[1-9]\d*$/.test(parts[1])) return { topk: { k: Number(parts[1]) } };
      break;
  }
  throw new Error(`invalid policy "${text}" (exact | tolerance:ABS:REL | argmax | topk:K)`);
}

/** LegacyDec atoms as the shortest decimal ("100000000000000" -> "0.0001"). */
function decimal(atoms: string): string {
  const v = BigInt(atoms || "0");
  const int = v / ATOMS;
  const frac = (v % ATOMS).toString().padStart(18, "0").replace(/0+$/, "");
  return frac ? `${int}.${frac}` : int.toString();
}

/** The text form of a proto AgreementPolicy (the inverse of parsePolicy). */
export function formatPolicy(p: AgreementPolicy): string {
  if (p.exact) return "exact";
  if (p.tolerance) return `tolerance:${decimal(p.tolerance.abs)}:${decimal(p.tolerance.rel)}`;
  if (p.argmax) return "argmax";
  if (p.topk) return `topk:${p.topk.k}`;
  throw new Error("agreement policy is empty");
}

/** The text form of a decoded policy (chain/tensor/agreement.ts). */
export function policyText(p: Policy): string {
  switch (p.kind) {
    case "tolerance":
      return `tolerance:${decimal(p.abs.toString())}:${decimal(p.rel.toString())}`;
    case "topk":
      return `topk:${p.k}`;
    default:
      return p.kind;
  }
}
