// Parsing and checking of user-supplied values: bech32 addresses, coin lists, integers.
import { fromBech32 } from "@cosmjs/encoding";
import { type Coin, normalizeCoins, parseDecCoins } from "../../chain/baseapp/coins.ts";
import { CliError } from "./context.ts";

export const ADDRESS_PREFIX = "dgrid";
export const BASE_DENOM = "udgrid";

const COIN_RE = /^([0-9]+)([a-zA-Z][a-zA-Z0-9/:._-]{2,127})$/;

/** Checks a bech32 account address with the "dgrid" prefix; returns its bytes. */
export function parseAddress(addr: string, prefix = ADDRESS_PREFIX): Uint8Array {
  let decoded: { prefix: string; data: Uint8Array };
  try {
    // Explicit limit: @cosmjs/encoding's default (Infinity) is rejected by the installed @scure/base 2.
    decoded = fromBech32(addr, 90);
  } catch (e) {
    throw new CliError(`invalid address "${addr}": ${(e as Error).message}`);
  }
  if (decoded.prefix !== prefix) {
    throw new CliError(`invalid address "${addr}": expected prefix "${prefix}", got "${decoded.prefix}"`);
  }
  if (decoded.data.length !== 20 && decoded.data.length !== 32) {
    throw new CliError(`invalid address "${addr}": expected 20 or 32 bytes, got ${decoded.data.length}`);
  }
  return decoded.data;
}

export function isAddress(addr: string, prefix = ADDRESS_PREFIX): boolean {
  try {
    parseAddress(addr, prefix);
    return true;
  } catch {
    return false;
  }
}

/** "1000000udgrid,5stake" -> sorted coins; rejects empty, zero, duplicate or malformed entries. */
export function parseCoins(text: string): Coin[] {
  const parts = text.split(",").map((p) => p.trim());
  if (text.trim() === "" || parts.some((p) => p === "")) throw new CliError(`invalid coins "${text}": empty entry`);
  const seen = new Set<string>();
  const coins: Coin[] = [];
  for (const part of parts) {
    const m = COIN_RE.exec(part);
    if (!m) throw new CliError(`invalid coins "${text}": "${part}" is not AMOUNTDENOM (e.g. 1000udgrid)`);
    const amount = BigInt(m[1]);
    if (amount === 0n) throw new CliError(`invalid coins "${text}": "${part}" has a zero amount`);
    if (seen.has(m[2])) throw new CliError(`invalid coins "${text}": duplicate denom ${m[2]}`);
    seen.add(m[2]);
    coins.push({ denom: m[2], amount });
  }
  return normalizeCoins(coins);
}

/** "0.025udgrid" -> checked gas price text (CosmJS GasPrice takes one denom). */
export function parseGasPrice(text: string): string {
  try {
    const list = parseDecCoins(text);
    if (list.length !== 1) throw new Error("exactly one denom expected");
  } catch (e) {
    throw new CliError(`invalid gas price "${text}": ${(e as Error).message}`);
  }
  return text.trim();
}

export function parsePositiveInt(text: string, what: string): number {
  if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(Number(text)) || Number(text) <= 0) {
    throw new CliError(`invalid ${what} "${text}": expected a positive integer`);
  }
  return Number(text);
}

export function parsePositiveNumber(text: string, what: string): number {
  const n = Number(text);
  if (!/^[0-9]+(\.[0-9]+)?$/.test(text) || !Number.isFinite(n) || n <= 0) {
    throw new CliError(`invalid ${what} "${text}": expected a positive number`);
  }
  return n;
}

const DURATION_UNITS: Record<string, number> = { h: 3600, m: 60, s: 1 };

/** A whole-second Go-style duration ("60s", "2m", "1h30m") -> seconds. */
export function parseDurationSeconds(text: string, what: string): number {
  const parts = [...text.trim().matchAll(/(\d+)([hms])/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join("") !== text.trim()) {
    throw new CliError(`invalid ${what} "${text}": expected a duration such as 60s, 5m or 1h30m`);
  }
  const seconds = parts.reduce((sum, p) => sum + Number(p[1]) * DURATION_UNITS[p[2]], 0);
  if (!Number.isSafeInteger(seconds) || seconds <= 0) throw new CliError(`invalid ${what} "${text}": must be positive`);
  return seconds;
}
