// ADR-027: a signed tx is accepted in its canonical encoding only, so a relayer cannot give it a
// second hash. Every re-encoding of a valid signed tx other than the canonical one is refused at
// CheckTx with ErrTxDecode (2); the canonical one is accepted exactly once.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MsgSubmitProposal } from "cosmjs-types/cosmos/gov/v1/tx";
import { TxBody, TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { MsgSoftwareUpgrade } from "cosmjs-types/cosmos/upgrade/v1beta1/tx";
import fc from "fast-check";
import { encodedAsCanonical, scanFields } from "../../chain/baseapp/canonical-tx.ts";
import { moduleAddress } from "../../chain/types/address.ts";
import { genesis, initApp, newApp, registry, send, signTx, type TestKey, testKey } from "./helpers.ts";

/** A protobuf field: tag varint, then the payload as the wire type needs it. */
function varint(v: number): number[] {
  const out: number[] = [];
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}
function lenField(n: number, payload: Uint8Array, paddedLength = false): Uint8Array {
  // paddedLength: the length varint written one byte longer than needed (still decodes the same)
  const len = varint(payload.length);
  if (paddedLength) {
    len[len.length - 1] |= 0x80;
    len.push(0);
  }
  return Uint8Array.from([...varint((n << 3) | 2), ...len, ...payload]);
}
const cat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));

async function fundedApp(keys: TestKey[]) {
  const app = newApp();
  await initApp(
    app,
    genesis(keys.map((k) => ({ address: k.address, coins: [{ denom: "udgrid", amount: "1000000000" }] }))),
  );
  return app;
}

const check = (app: ReturnType<typeof newApp>, tx: Uint8Array) => app.checkTx({ tx, type: 0 });

describe("canonical tx encoding (ADR-027)", () => {
  it("refuses the reproduction of issue 15 and other TxRaw re-encodings, then accepts the original once", async () => {
    const [alice, bob] = [await testKey("alice"), await testKey("bob")];
    const app = await fundedApp([alice, bob]);
    const bytes = await signTx(alice, [send(alice.address, bob.address, "5")], { accountNumber: 0n, sequence: 0n });
    const raw = TxRaw.decode(bytes);
    const sig = raw.signatures[0];
    const mutants: [string, Uint8Array, RegExp][] = [
      [
        "authInfo before body",
        cat(lenField(2, raw.authInfoBytes), lenField(1, raw.bodyBytes), lenField(3, sig)),
        /field 1 after field 2/,
      ],
      [
        "body repeated",
        cat(lenField(1, raw.bodyBytes), lenField(1, raw.bodyBytes), lenField(2, raw.authInfoBytes), lenField(3, sig)),
        /field 1 appears more than once/,
      ],
      ["unknown field", cat(bytes, lenField(4, Uint8Array.of(1))), /unknown field 4/],
      ["trailing byte", cat(bytes, Uint8Array.of(0)), /tx parse error/],
      [
        "longer length varint",
        cat(lenField(1, raw.bodyBytes, true), lenField(2, raw.authInfoBytes), lenField(3, sig)),
        /ADR-027/,
      ],
      [
        "unknown critical TxBody field",
        TxRaw.encode({ ...raw, bodyBytes: cat(raw.bodyBytes, lenField(5, Uint8Array.of(7))) }).finish(),
        /TxBody/,
      ],
    ];
    for (const [name, tx, why] of mutants) {
      const r = await check(app, tx);
      assert.equal(r.code, 2, `${name}: ${r.log}`);
      assert.equal(r.codespace, "sdk", name);
      assert.match(r.log, why, name);
    }
    assert.equal((await check(app, bytes)).code, 0, "the canonical bytes");
    assert.equal((await check(app, bytes)).code, 32, "accepted once: its sequence is used");
  });

  it("property: of all re-encodings of a signed tx, only the canonical one is accepted", async () => {
    const [alice, bob] = [await testKey("alice"), await testKey("bob")];
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          amount: fc.integer({ min: 1, max: 1_000_000 }),
          memo: fc.string({ maxLength: 40 }),
          msgs: fc.integer({ min: 1, max: 3 }),
          order: fc.shuffledSubarray([0, 1, 2], { minLength: 3, maxLength: 3 }),
          dup: fc.option(fc.constantFrom(0, 1), { nil: undefined }),
          extra: fc.option(fc.integer({ min: 4, max: 300 }), { nil: undefined }),
          trailing: fc.option(fc.uint8Array({ minLength: 1, maxLength: 3 }), { nil: undefined }),
          pad: fc.option(fc.constantFrom(0, 1, 2), { nil: undefined }),
        }),
        async (c) => {
          const app = await fundedApp([alice, bob]);
          const msgs = Array.from({ length: c.msgs }, () => send(alice.address, bob.address, String(c.amount)));
          const bytes = await signTx(alice, msgs, { accountNumber: 0n, sequence: 0n, memo: c.memo });
          const raw = TxRaw.decode(bytes);
          const fields = [
            (pad: boolean) => lenField(1, raw.bodyBytes, pad),
            (pad: boolean) => lenField(2, raw.authInfoBytes, pad),
            (pad: boolean) => lenField(3, raw.signatures[0], pad),
          ];
          const parts = c.order.map((i) => fields[i](c.pad === i));
          if (c.dup !== undefined) parts.push(fields[c.dup](false));
          if (c.extra !== undefined) parts.push(lenField(c.extra, Uint8Array.of(1, 2)));
          if (c.trailing !== undefined) parts.push(c.trailing);
          const mutant = cat(...parts);
          const canonical = Buffer.compare(Buffer.from(mutant), Buffer.from(bytes)) === 0;
          const r = await check(app, mutant);
          if (canonical) assert.equal(r.code, 0, r.log);
          else assert.equal(r.code, 2, `${Buffer.from(mutant).toString("hex")}: ${r.log}`);
          // the canonical bytes are accepted exactly once afterwards
          assert.equal((await check(app, bytes)).code, canonical ? 32 : 0);
          assert.equal((await check(app, bytes)).code, 32);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("a message inside the body, or an Any inside a message, must be canonical too", async () => {
    const [alice, bob] = [await testKey("alice"), await testKey("bob")];
    const app = await fundedApp([alice, bob]);
    // a MsgSend with an unknown field, signed as such: under amino JSON this would sign the same
    // JSON as the clean message, so it must be refused whatever the sign mode
    const clean = registry.encode(send(alice.address, bob.address, "5"));
    const dirty = cat(clean, lenField(15, Uint8Array.of(1)));
    const bodyBytes = TxBody.encode(
      TxBody.fromPartial({ messages: [{ typeUrl: "/cosmos.bank.v1beta1.MsgSend", value: dirty }] }),
    ).finish();
    const base = TxRaw.decode(
      await signTx(alice, [send(alice.address, bob.address, "5")], { accountNumber: 0n, sequence: 0n }),
    );
    const r = await check(app, TxRaw.encode({ ...base, bodyBytes }).finish());
    assert.equal(r.code, 2, r.log);
    assert.match(
      r.log,
      /messages\[0\] \(\/cosmos.bank.v1beta1.MsgSend\) is not in canonical protobuf encoding \(ADR-027\): unknown field 15/,
    );

    // a gov proposal's message (an Any inside a message) with an unknown field
    const upgrade = MsgSoftwareUpgrade.encode(
      MsgSoftwareUpgrade.fromPartial({ authority: moduleAddress("gov"), plan: { name: "v2", height: 100n, info: "" } }),
    ).finish();
    const proposal = (inner: Uint8Array) => ({
      typeUrl: MsgSubmitProposal.typeUrl,
      value: MsgSubmitProposal.fromPartial({
        messages: [{ typeUrl: MsgSoftwareUpgrade.typeUrl, value: inner }],
        initialDeposit: [],
        proposer: alice.address,
        metadata: "m",
        title: "t",
        summary: "s",
      }),
    });
    const bad = await signTx(alice, [proposal(cat(upgrade, lenField(9, Uint8Array.of(1))))], {
      accountNumber: 0n,
      sequence: 0n,
    });
    const rb = await check(app, bad);
    assert.equal(rb.code, 2, rb.log);
    assert.match(rb.log, /messages\[0\]\.messages\[0\] \(\/cosmos.upgrade.v1beta1.MsgSoftwareUpgrade\)/);
    // CosmJS's own encoding of the same proposal (plan.time left out) is canonical
    const good = await signTx(alice, [proposal(upgrade)], { accountNumber: 0n, sequence: 0n });
    const rg = await check(app, good);
    assert.notEqual(rg.code, 2, rg.log);
  });

  it("encodedAsCanonical: sub-messages a codec writes empty may be left out; scalars must be shortest", () => {
    // field 1 = varint 5; a codec that also writes an empty sub-message in field 2
    assert.equal(encodedAsCanonical(Uint8Array.of(0x08, 0x05), Uint8Array.of(0x08, 0x05, 0x12, 0x00)), undefined);
    // a non-minimal varint for the same value
    assert.match(encodedAsCanonical(Uint8Array.of(0x08, 0x85, 0x00), Uint8Array.of(0x08, 0x05)) ?? "", /shortest/);
    // a field the codec dropped (unknown), and fields out of order
    assert.match(
      encodedAsCanonical(Uint8Array.of(0x08, 0x05, 0x18, 0x01), Uint8Array.of(0x08, 0x05)) ?? "",
      /unknown field 3/,
    );
    assert.match(
      encodedAsCanonical(Uint8Array.of(0x10, 0x01, 0x08, 0x05), Uint8Array.of(0x08, 0x05, 0x10, 0x01)) ?? "",
      /field 1 after field 2/,
    );
    assert.throws(() => scanFields(Uint8Array.of(0x0a, 0x05, 0x01)), /runs past the end/);
    assert.throws(() => scanFields(Uint8Array.of(0x0b)), /wire type 3/);
  });
});
