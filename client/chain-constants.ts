// The chain's fixed facts that wallets and registries need (browser-safe, no imports): address
// prefixes, the staking/fee denom and its display unit, the HD coin type, and fee gas prices.

export const BECH32_PREFIXES = {
  accAddr: "dgrid",
  accPub: "dgridpub",
  valAddr: "dgridvaloper",
  valPub: "dgridvaloperpub",
  consAddr: "dgridvalcons",
  consPub: "dgridvalconspub",
} as const;

/** base denom (staking, fees) and its display unit: 1 DGRID = 10^6 udgrid */
export const BASE_DENOM = "udgrid";
export const DISPLAY_DENOM = "DGRID";
export const DENOM_DECIMALS = 6;

/** SLIP-44 coin type of the HD path m/44'/118'/0'/0/0 (the Cosmos one) */
export const SLIP44_COIN_TYPE = 118;

/**
 * Gas prices in udgrid: the nodes' default minimum (app.toml minimum-gas-prices "0.0025udgrid") is
 * the floor; `average` is the client's default gas price ("0.025udgrid").
 */
export const GAS_PRICES = { min: 0.0025, low: 0.0025, average: 0.025, high: 0.04 } as const;
