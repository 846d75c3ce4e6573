// json-shape: the string sub-kinds, the merging of array elements, and assertSameShape's verdicts, with
// the JSON path it names for each kind of difference.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { assertSameShape, describeShape, jsonShape, shapeDifference, stringKind } from "./json-shape.ts";

describe("stringKind", () => {
  const cases: [string, string][] = [
    ["0", "int64-string"],
    ["-42", "int64-string"],
    ["100000000000000000000000000", "int64-string"],
    ["0.100000000000000000", "decimal-string"],
    ["1970-01-01T00:00:00Z", "timestamp"],
    ["2024-06-05T14:26:30.900531975Z", "timestamp"],
    ["2024-06-05T14:26:30.9+02:00", "timestamp"],
    ["C8B7BC4A6AEA766AB075D51A4F1261D6A72747C4CD827523CA8B80E90A33EA3F", "hex-upper"],
    ["AQ==", "base64"],
    ["Xey+i4KI/oprM9SgNfZXKWFNfB2TjUCHBEYDVGYizo0=", "base64"],
    ["AtOpJOzS7wC1fYvCbG9HDA+qUdig+EMVsZ4Ekv6BSJJC", "base64"],
    ["", "string"],
    ["stake", "string"],
    ["Test", "string"],
    ["BOND_STATUS_BONDED", "string"],
    ["1000stake", "string"],
    ["2024-06-05", "string"],
    ["ABCD", "string"],
    // 52 characters of lower case and digits: a bech32 address, not base64
    ["cosmosvaloper1secvjzt473ddvgtsv2lwrpe4r88hyrma7dtl87", "bech32"],
    ["dgrid1qypqxpq9qcrsszg2pvxq6rs0zqg3yyc5lzv7xu", "bech32"],
    ["cosmosvalcons1d3ce49qrpfkysjwxu2dsftzvf5nt2lj5cfrfmf", "bech32"],
    ["cosmos1short", "string"],
  ];
  for (const [value, kind] of cases) {
    test(`${JSON.stringify(value)} is ${kind}`, () => assert.equal(stringKind(value), kind));
  }
});

describe("jsonShape", () => {
  test("scalars, empty arrays and the union of array elements", () => {
    assert.equal(describeShape(jsonShape(null)), "null");
    assert.equal(describeShape(jsonShape(true)), "boolean");
    assert.equal(describeShape(jsonShape(0)), "number");
    assert.equal(describeShape(jsonShape([])), "array<unknown>");
    assert.equal(describeShape(jsonShape(["1", "2"])), "array<int64-string>");
    assert.equal(describeShape(jsonShape(["1", null])), "array<int64-string | null>");
    assert.equal(describeShape(jsonShape([[], ["a"]])), "array<array<string>>");
  });

  test("an object with @type is an Any; Anys of different types stay apart", () => {
    const shape = jsonShape([
      { "@type": "/a.MsgA", x: "1" },
      { "@type": "/b.MsgB", y: true },
      { "@type": "/a.MsgA", x: "2" },
    ]);
    assert.equal(describeShape(shape), "array<any</a.MsgA> | any</b.MsgB>>");
  });

  test("objects merged from array elements keep every key, those of some elements optional", () => {
    const shape = jsonShape([{ single: { mode: "SIGN_MODE_DIRECT" } }, { multi: { mode_infos: [] } }]);
    assert.equal(shape.kind, "array");
    const element = shape.kind === "array" ? shape.element : undefined;
    assert.equal(element?.kind, "object");
    if (element?.kind === "object") {
      assert.deepEqual([...element.keys.keys()], ["single", "multi"]);
      assert.deepEqual([...element.optional], ["single", "multi"]);
    }
  });
});

describe("assertSameShape", () => {
  const fixture = {
    balances: [{ denom: "stake", amount: "10" }],
    pagination: { next_key: null, total: "1" },
  };

  test("the same shape with other values passes", () => {
    assertSameShape(
      { balances: [{ denom: "udgrid", amount: "999" }], pagination: { next_key: null, total: "7" } },
      fixture,
    );
    assertSameShape({ balances: [], pagination: { next_key: null, total: "0" } }, fixture);
  });

  const failing: [string, unknown, string][] = [
    ["a missing key", { balances: [], pagination: { next_key: null } }, '$.pagination.total: missing key "total"'],
    ["an extra key", { ...fixture, height: "1" }, '$.height: extra key "height"'],
    [
      "an int64 written as a number",
      { ...fixture, pagination: { next_key: null, total: 1 } },
      "$.pagination.total: expected int64-string, got number",
    ],
    [
      "an int64 field holding text",
      { balances: [{ denom: "stake", amount: "ten" }], pagination: fixture.pagination },
      "$.balances[0].amount: expected int64-string, got string",
    ],
    [
      "an object where the SDK writes null",
      { ...fixture, pagination: { next_key: {}, total: "1" } },
      "$.pagination.next_key: expected null, got object",
    ],
    [
      'empty bytes as "" where the SDK writes null',
      { ...fixture, pagination: { next_key: "", total: "1" } },
      "$.pagination.next_key: expected null, got string",
    ],
    [
      "null where the SDK writes an object",
      { ...fixture, pagination: null },
      "$.pagination: expected object, got null",
    ],
    [
      "an object where the SDK writes an array",
      { ...fixture, balances: {} },
      "$.balances: expected array<object>, got object",
    ],
    [
      "the second element of an array",
      { balances: [{ denom: "a", amount: "1" }, { denom: "b" }], pagination: fixture.pagination },
      '$.balances[1].amount: missing key "amount"',
    ],
  ];
  for (const [name, actual, message] of failing) {
    test(`fails on ${name}, naming its path`, () => {
      const difference = shapeDifference(actual, fixture);
      assert.ok(difference, "a difference");
      assert.equal(`${difference.path}: ${difference.message}`.slice(0, message.length), message);
      assert.throws(() => assertSameShape(actual, fixture), {
        name: "AssertionError",
        message: new RegExp(`^${escapeRegExp(difference.path)}: `),
      });
    });
  }

  test("the first difference is reported, in the fixture's key order", () => {
    const difference = shapeDifference({ pagination: null, balances: 1 }, fixture);
    assert.equal(difference?.path, "$.balances");
  });

  test("an address must stay bech32 (a proposer address printed as base64 is a difference)", () => {
    const expected = { proposer_address: "cosmosvalcons1d3ce49qrpfkysjwxu2dsftzvf5nt2lj5cfrfmf" };
    assertSameShape({ proposer_address: "dgridvalcons1qypqxpq9qcrsszg2pvxq6rs0zqg3yyc5lzv7xu" }, expected);
    assert.equal(
      shapeDifference({ proposer_address: "bHGalAMKbEhLxuKbBKxMbSa1+lA=" }, expected)?.message,
      "expected bech32, got base64",
    );
  });

  test("a timestamp must be RFC 3339; a fixture's free-text string accepts any string", () => {
    const expected = { time: "2024-06-05T14:26:30Z", memo: "note" };
    assertSameShape({ time: "1970-01-01T00:00:00.5Z", memo: "1234" }, expected);
    assert.equal(
      shapeDifference({ time: "1717597590", memo: "" }, expected)?.message,
      "expected timestamp, got int64-string",
    );
    assert.equal(
      shapeDifference({ time: "5 June 2024", memo: "" }, expected)?.message,
      "expected timestamp, got string",
    );
  });

  test("an array element fits any shape the fixture's elements had (null or a timestamp)", () => {
    const expected = { proposals: [{ voting_start_time: "2022-03-28T14:25:26Z" }, { voting_start_time: null }] };
    assertSameShape(
      { proposals: [{ voting_start_time: null }, { voting_start_time: "2022-03-28T14:25:26.1Z" }] },
      expected,
    );
    assert.equal(
      shapeDifference({ proposals: [{ voting_start_time: "" }] }, expected)?.path,
      "$.proposals[0].voting_start_time",
    );
  });

  test("an empty fixture array accepts any elements; an empty array of ours has none to check", () => {
    assertSameShape({ unbonding_ids: ["1", "2"] }, { unbonding_ids: [] });
    assertSameShape({ unbonding_ids: [] }, { unbonding_ids: ["1"] });
    assert.equal(
      shapeDifference({ unbonding_ids: null }, { unbonding_ids: [] })?.message,
      "expected array<unknown>, got null",
    );
  });

  test("oneof cases: a key only some fixture elements have may be missing", () => {
    const expected = { infos: [{ single: { mode: "SIGN_MODE_DIRECT" } }, { multi: { bitarray: null } }] };
    assertSameShape({ infos: [{ single: { mode: "SIGN_MODE_LEGACY_AMINO_JSON" } }] }, expected);
    assert.equal(shapeDifference({ infos: [{ single: {} }] }, expected)?.path, "$.infos[0].single.mode");
  });

  describe("Any", () => {
    const send = { "@type": "/cosmos.bank.v1beta1.MsgSend", from_address: "a", to_address: "b", amount: [] };

    test("an Any of the fixture's type is compared field for field", () => {
      assertSameShape({ messages: [{ ...send, from_address: "c" }] }, { messages: [send] });
      const { to_address: _, ...partial } = send;
      assert.equal(shapeDifference({ messages: [partial] }, { messages: [send] })?.path, "$.messages[0].to_address");
      assert.equal(
        shapeDifference({ messages: [{ ...send, amount: 5 }] }, { messages: [send] })?.message,
        "expected array<unknown>, got number",
      );
    });

    test("an Any of a type the fixture does not show is accepted unread", () => {
      assertSameShape(
        { messages: [{ "@type": "/dgrid.registry.v1.MsgRegisterModel", creator: "x", spec: {} }] },
        { messages: [send] },
      );
    });

    test("the type of each element picks the fixture element it is compared with", () => {
      const upgrade = { "@type": "/cosmos.upgrade.v1beta1.MsgSoftwareUpgrade", authority: "a", plan: { height: "5" } };
      const expected = { messages: [send, upgrade] };
      assertSameShape({ messages: [upgrade, send] }, expected);
      assert.equal(
        shapeDifference({ messages: [send, { ...upgrade, plan: null }] }, expected)?.path,
        "$.messages[1].plan",
      );
    });

    test("an Any where the fixture has a plain object shows its @type as an extra key", () => {
      assert.equal(shapeDifference({ tx: { "@type": "/x.Y", body: {} } }, { tx: { body: {} } })?.path, '$.tx["@type"]');
      assert.equal(
        shapeDifference({ tx: { body: {} } }, { tx: send })?.message,
        `expected any<${send["@type"]}>, got object`,
      );
    });
  });
});

describe("the recorded SDK gateway fixtures", () => {
  const dir = new URL("../fixtures/sdk-gateway/", import.meta.url);
  for (const file of readdirSync(dir).filter((name) => name.endsWith(".json"))) {
    test(`${file} has its own shape and differs from an emptied copy`, () => {
      const fixture = JSON.parse(readFileSync(new URL(file, dir), "utf8")) as Record<string, unknown>;
      assertSameShape(fixture, fixture);
      const [firstKey] = Object.keys(fixture);
      assert.ok(firstKey);
      assert.equal(shapeDifference({ ...fixture, [firstKey]: null }, fixture)?.path, `$.${firstKey}`);
    });
  }
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
