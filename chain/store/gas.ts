// Gas metering for store access, as Cosmos SDK store/types/gas.go and store/gaskv.
import { ErrOutOfGas } from "../errors/errors.ts";
import type { Bytes, GasMeter, IterateOptions, KVStore } from "./types.ts";

export interface KVGasConfig {
  hasCost: number;
  deleteCost: number;
  readCostFlat: number;
  readCostPerByte: number;
  writeCostFlat: number;
  writeCostPerByte: number;
  iterNextCostFlat: number;
}

/** Cosmos SDK's storetypes.KVGasConfig(). */
export const DEFAULT_KV_GAS_CONFIG: Readonly<KVGasConfig> = Object.freeze({
  hasCost: 1000,
  deleteCost: 1000,
  readCostFlat: 1000,
  readCostPerByte: 3,
  writeCostFlat: 2000,
  writeCostPerByte: 30,
  iterNextCostFlat: 30,
});

/** Cosmos SDK's storetypes.TransientGasConfig(). */
export const TRANSIENT_KV_GAS_CONFIG: Readonly<KVGasConfig> = Object.freeze({
  hasCost: 100,
  deleteCost: 100,
  readCostFlat: 100,
  readCostPerByte: 0,
  writeCostFlat: 200,
  writeCostPerByte: 3,
  iterNextCostFlat: 3,
});

// descriptors as the SDK's (they appear in out-of-gas messages)
export const GAS_DESC = {
  has: "Has",
  delete: "Delete",
  readFlat: "ReadFlat",
  readPerByte: "ReadPerByte",
  writeFlat: "WriteFlat",
  writePerByte: "WritePerByte",
  iterNextFlat: "IterNextFlat",
  valuePerByte: "ValuePerByte",
} as const;

function checkAmount(amount: number): void {
  if (!Number.isSafeInteger(amount) || amount < 0) throw new RangeError(`invalid gas amount ${amount}`);
}

/** A meter with a limit: consume() past the limit records the consumption and throws ErrOutOfGas. */
export class BasicGasMeter implements GasMeter {
  private used = 0;

  constructor(readonly limit: number) {
    checkAmount(limit);
  }

  consumed(): number {
    return this.used;
  }

  consume(amount: number, descriptor: string): void {
    checkAmount(amount);
    const next = this.used + amount;
    if (!Number.isSafeInteger(next)) {
      this.used = Number.MAX_SAFE_INTEGER;
      throw ErrOutOfGas.wrap(`gas overflow: ${descriptor}`);
    }
    this.used = next;
    if (next > this.limit)
      throw ErrOutOfGas.wrap(`out of gas in location: ${descriptor}; gasWanted: ${this.limit}, gasUsed: ${next}`);
  }

  refund(amount: number, descriptor: string): void {
    checkAmount(amount);
    if (amount > this.used) throw ErrOutOfGas.wrap(`refund ${amount} exceeds consumed ${this.used}: ${descriptor}`);
    this.used -= amount;
  }

  isPastLimit(): boolean {
    return this.used > this.limit;
  }

  isOutOfGas(): boolean {
    return this.used >= this.limit;
  }

  remaining(): number {
    return this.isPastLimit() ? 0 : this.limit - this.used;
  }
}

/** A meter without a limit (block-level work, genesis); throws only on overflow. */
export class InfiniteGasMeter implements GasMeter {
  readonly limit = Number.MAX_SAFE_INTEGER;
  private used = 0;

  consumed(): number {
    return this.used;
  }

  consume(amount: number, descriptor: string): void {
    checkAmount(amount);
    const next = this.used + amount;
    if (!Number.isSafeInteger(next)) throw ErrOutOfGas.wrap(`gas overflow: ${descriptor}`);
    this.used = next;
  }

  refund(amount: number, descriptor: string): void {
    checkAmount(amount);
    if (amount > this.used) throw ErrOutOfGas.wrap(`refund ${amount} exceeds consumed ${this.used}: ${descriptor}`);
    this.used -= amount;
  }

  isOutOfGas(): boolean {
    return false;
  }
}

/** A KVStore that charges `meter` for every access, as Cosmos SDK gaskv.Store. */
export class GasKVStore implements KVStore {
  constructor(
    readonly parent: KVStore,
    readonly meter: GasMeter,
    readonly config: Readonly<KVGasConfig> = DEFAULT_KV_GAS_CONFIG,
  ) {}

  get(key: Bytes): Promise<Bytes | undefined> {
    const below = this.parent.getSync;
    if (below) {
      // same charges in the same order as below, without a promise per store layer
      try {
        this.meter.consume(this.config.readCostFlat, GAS_DESC.readFlat);
        return Promise.resolve(this.chargeRead(key, below(key)));
      } catch (e) {
        return Promise.reject(e);
      }
    }
    return this.getAsync(key);
  }

  private async getAsync(key: Bytes): Promise<Bytes | undefined> {
    this.meter.consume(this.config.readCostFlat, GAS_DESC.readFlat);
    return this.chargeRead(key, await this.parent.get(key));
  }

  /** The per-byte part of a read's gas (after the flat part, as gaskv.Store.Get), passing the value on. */
  private chargeRead(key: Bytes, value: Bytes | undefined): Bytes | undefined {
    this.meter.consume(this.config.readCostPerByte * key.length, GAS_DESC.readPerByte);
    this.meter.consume(this.config.readCostPerByte * (value?.length ?? 0), GAS_DESC.readPerByte);
    return value;
  }

  async has(key: Bytes): Promise<boolean> {
    this.meter.consume(this.config.hasCost, GAS_DESC.has);
    return this.parent.has(key);
  }

  set(key: Bytes, value: Bytes): void {
    this.meter.consume(this.config.writeCostFlat, GAS_DESC.writeFlat);
    this.meter.consume(this.config.writeCostPerByte * key.length, GAS_DESC.writePerByte);
    this.meter.consume(this.config.writeCostPerByte * value.length, GAS_DESC.writePerByte);
    this.parent.set(key, value);
  }

  delete(key: Bytes): void {
    this.meter.consume(this.config.deleteCost, GAS_DESC.delete);
    this.parent.delete(key);
  }

  /**
   * Like the SDK's gasIterator: opening charges a seek for the first entry, and each step past an
   * entry charges ReadCostPerByte for its key and value plus IterNextCostFlat.
   */
  async *iterate(opts?: IterateOptions): AsyncIterable<[Bytes, Bytes]> {
    const it = this.parent.iterate(opts)[Symbol.asyncIterator]();
    try {
      let cur = await it.next();
      this.seek(cur);
      while (!cur.done) {
        yield cur.value;
        this.seek(cur);
        cur = await it.next();
      }
    } finally {
      await it.return?.();
    }
  }

  private seek(cur: IteratorResult<[Bytes, Bytes]>): void {
    if (!cur.done) {
      this.meter.consume(this.config.readCostPerByte * cur.value[0].length, GAS_DESC.valuePerByte);
      this.meter.consume(this.config.readCostPerByte * cur.value[1].length, GAS_DESC.valuePerByte);
    }
    this.meter.consume(this.config.iterNextCostFlat, GAS_DESC.iterNextFlat);
  }
}
