// `dgrid tx staking create-validator|edit-validator|delegate|redelegate|unbond|cancel-unbond`,
// `dgrid tx slashing unjail`, `dgrid query staking validators|validator|delegation|delegations|
// unbonding-delegations|pool|params` and `dgrid query slashing signing-info|signing-infos|params`,
// as simd. The work (staking-impl.ts, CosmJS) is imported when a command runs.
import type { Command } from "commander";
import { parsePositiveInt } from "./args.ts";
import { type CliIO, globalsOf, printResult, toYaml } from "./context.ts";
import { addNodeOption, jsonSafe, nodeUrl } from "./node-client.ts";
import { addTxFlags, type SendFlags } from "./tx.ts";

const impl = () => import("./staking-impl.ts");
const yaml = (v: unknown) => toYaml(JSON.parse(JSON.stringify(v, jsonSafe)));

type TxFlags = SendFlags & { from?: string };
type QueryFlags = { height?: string; limit?: string; offset?: string; status?: string };

function sub(program: Command, name: string): Command {
  const c = program.commands.find((x) => x.name() === name);
  if (!c) throw new Error(`staking CLI: "${name}" command must be registered first`);
  return c;
}

function heightOf(opts: QueryFlags): number | undefined {
  return opts.height === undefined ? undefined : parsePositiveInt(opts.height, "height");
}

function pageOf(opts: QueryFlags) {
  return {
    limit: parsePositiveInt(opts.limit ?? "100", "limit"),
    offset: opts.offset === undefined || opts.offset === "0" ? 0 : parsePositiveInt(opts.offset, "offset"),
    height: heightOf(opts),
  };
}

export function registerStakingCommands(program: Command, io: CliIO): void {
  const tx = sub(program, "tx");
  const query = sub(program, "query");

  const send = async (
    cmd: Command,
    opts: TxFlags,
    make: (address: string) => import("@cosmjs/proto-signing").EncodeObject,
    summary: Record<string, unknown>,
  ) => {
    const { sendMsg } = await import("./tx-send.ts");
    await sendMsg(io, cmd, opts, make, summary, (await impl()).STAKING_TX_TYPES);
  };
  // a validator's description is the user's text: its size decides the gas, so those estimate it
  const txCmd = (parent: Command, spec: string, desc: string, defaults: { gas?: "auto" } = {}) =>
    addTxFlags(parent.command(spec).description(desc).option("--from <key_or_address>", "the signer's key"), defaults);

  // ---- tx staking ----
  const st = tx.command("staking").description("staking transactions");
  txCmd(
    st,
    "create-validator <validator_file>",
    'create a validator from a JSON file: {"pubkey":{"@type":"/cosmos.crypto.ed25519.PubKey","key":"..."},"amount":"1000000udgrid","moniker":"...","commission-rate":"0.1","commission-max-rate":"0.2","commission-max-change-rate":"0.01","min-self-delegation":"1"}',
    { gas: "auto" },
  ).action(async (file: string, opts: TxFlags, cmd: Command) => {
    await send(cmd, opts, (await impl()).createValidatorMsg(file), { create_validator: file });
  });

  txCmd(st, "edit-validator", "edit the --from key's validator (only the flags given change)", { gas: "auto" })
    .option("--new-moniker <name>", "new moniker")
    .option("--identity <text>", "identity signature (e.g. keybase)")
    .option("--website <url>", "website")
    .option("--security-contact <email>", "security contact")
    .option("--details <text>", "details")
    .option("--commission-rate <dec>", "new commission rate, e.g. 0.12")
    .option("--min-self-delegation <int>", "new minimum self delegation")
    .action(async (opts: TxFlags & import("./staking-impl.ts").EditFlags, cmd: Command) => {
      await send(cmd, opts, (await impl()).editValidatorMsg(opts), { edit_validator: true });
    });

  txCmd(
    st,
    "delegate <validator_addr> <amount>",
    "delegate tokens, e.g. delegate dgridvaloper1... 1000000udgrid",
  ).action(async (validator: string, amount: string, opts: TxFlags, cmd: Command) => {
    await send(cmd, opts, (await impl()).delegateMsg(validator, amount), { validator, amount });
  });

  txCmd(
    st,
    "redelegate <src_validator_addr> <dst_validator_addr> <amount>",
    "move a delegation from one validator to another",
  ).action(async (src: string, dst: string, amount: string, opts: TxFlags, cmd: Command) => {
    await send(cmd, opts, (await impl()).redelegateMsg(src, dst, amount), { src, dst, amount });
  });

  txCmd(st, "unbond <validator_addr> <amount>", "undelegate tokens (returned after the unbonding period)").action(
    async (validator: string, amount: string, opts: TxFlags, cmd: Command) => {
      await send(cmd, opts, (await impl()).unbondMsg(validator, amount), { validator, amount });
    },
  );

  txCmd(
    st,
    "cancel-unbond <validator_addr> <amount> <creation_height>",
    "cancel (part of) an unbonding delegation entry and delegate it again",
  ).action(async (validator: string, amount: string, height: string, opts: TxFlags, cmd: Command) => {
    await send(cmd, opts, (await impl()).cancelUnbondMsg(validator, amount, height), {
      validator,
      amount,
      creation_height: height,
    });
  });

  // ---- tx slashing ----
  const sl = tx.command("slashing").description("slashing transactions");
  txCmd(sl, "unjail", "unjail the --from key's validator").action(async (opts: TxFlags, cmd: Command) => {
    await send(cmd, opts, (await impl()).unjailMsg(), { unjail: true });
  });

  // ---- query staking ----
  const print = (cmd: Command, v: unknown) => printResult(io, globalsOf(cmd).output, v, yaml);
  const q = (parent: Command, spec: string, desc: string) =>
    addNodeOption(
      parent.command(spec).description(desc).option("--height <h>", "query state at this height (default: latest)"),
    );
  const paged = (c: Command) =>
    c.option("--limit <n>", "page size", "100").option("--offset <n>", "skip this many", "0");

  const qs = query.command("staking").description("staking queries");
  paged(q(qs, "validators", "all validators"))
    .option("--status <status>", "only bonded | unbonding | unbonded validators")
    .action(async (opts: QueryFlags, cmd: Command) => {
      print(cmd, await (await impl()).queryValidators(nodeUrl(cmd, io), { ...pageOf(opts), status: opts.status }));
    });
  q(qs, "validator <validator_addr>", "one validator").action(
    async (validator: string, opts: QueryFlags, cmd: Command) => {
      print(cmd, await (await impl()).queryValidator(nodeUrl(cmd, io), validator, heightOf(opts)));
    },
  );
  q(qs, "delegation <delegator_addr> <validator_addr>", "a delegation (shares and balance)").action(
    async (delegator: string, validator: string, opts: QueryFlags, cmd: Command) => {
      print(cmd, await (await impl()).queryDelegation(nodeUrl(cmd, io), delegator, validator, heightOf(opts)));
    },
  );
  paged(q(qs, "delegations <delegator_addr>", "a delegator's delegations")).action(
    async (delegator: string, opts: QueryFlags, cmd: Command) => {
      print(cmd, await (await impl()).queryDelegations(nodeUrl(cmd, io), delegator, pageOf(opts)));
    },
  );
  paged(q(qs, "unbonding-delegations <delegator_addr>", "a delegator's unbonding delegations")).action(
    async (delegator: string, opts: QueryFlags, cmd: Command) => {
      print(cmd, await (await impl()).queryUnbondingDelegations(nodeUrl(cmd, io), delegator, pageOf(opts)));
    },
  );
  q(qs, "pool", "bonded and not-bonded token totals").action(async (opts: QueryFlags, cmd: Command) => {
    print(cmd, await (await impl()).queryPool(nodeUrl(cmd, io), heightOf(opts)));
  });
  q(qs, "params", "staking parameters").action(async (opts: QueryFlags, cmd: Command) => {
    print(cmd, await (await impl()).queryStakingParams(nodeUrl(cmd, io), heightOf(opts)));
  });

  // ---- query slashing ----
  const ql = query.command("slashing").description("slashing queries");
  q(
    ql,
    "signing-info <validator>",
    'a validator\'s signing info, by consensus address (dgridvalcons...), consensus pubkey JSON ({"@type":"/cosmos.crypto.ed25519.PubKey","key":"..."}) or operator address',
  ).action(async (arg: string, opts: QueryFlags, cmd: Command) => {
    print(cmd, await (await impl()).querySigningInfo(nodeUrl(cmd, io), arg, heightOf(opts)));
  });
  paged(q(ql, "signing-infos", "all validators' signing infos")).action(async (opts: QueryFlags, cmd: Command) => {
    print(cmd, await (await impl()).querySigningInfos(nodeUrl(cmd, io), pageOf(opts)));
  });
  q(ql, "params", "slashing parameters").action(async (opts: QueryFlags, cmd: Command) => {
    print(cmd, await (await impl()).querySlashingParams(nodeUrl(cmd, io), heightOf(opts)));
  });
}
