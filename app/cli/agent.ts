// `dgrid agent create|grant|show`: AI agents as users of their own. `create` makes the agent's key (as
// `keys add`) and, in one transaction signed by --owner, grants it an InferenceAuthorization and a fee
// allowance for its MsgExec txs, so an agent holding no udgrid can pay for inference within its
// owner's limits; `grant` does the transaction alone (an existing key, a failed `create`, new limits);
// `show` prints what the agent may still spend. The work is agent-impl.ts, imported when a command runs.
import type { Command } from "commander";
import type { AgentLimitFlags } from "./agent-impl.ts";
import { isAddress } from "./args.ts";
import { CliError, type CliIO, globalsOf, printResult, toYaml } from "./context.ts";
import { addKeyringOptions, openKeyring } from "./keyring-flags.ts";
import { keyText, MNEMONIC_NOTICE } from "./keys.ts";
import { addNodeOption, nodeUrl } from "./node-client.ts";
import { addTxFlags, type SendFlags } from "./tx.ts";

const impl = () => import("./agent-impl.ts");

type AgentFlags = SendFlags & AgentLimitFlags & { owner?: string };

function limitOptions(cmd: Command): Command {
  return cmd
    .option("--owner <key>", "the owner's key, who pays and signs the grants")
    .option("--spend-limit <coins>", "the most the agent may spend on inference in all, e.g. 10000udgrid")
    .option("--period <duration>", "a period (e.g. 24h, or seconds) whose inference spending --period-limit caps")
    .option("--period-limit <coins>", "the most the agent may spend on inference per --period")
    .option("--max-fee-per-request <coin>", "the most one inference request may cost")
    .option("--models <ids>", "comma-separated model ids the agent may request (default: any)")
    .option(
      "--fee-allowance <coins>",
      "the most the owner pays in tx fees for the agent's MsgExec txs (default 100000udgrid: ten gateway calls)",
    )
    .option("--fee-period-limit <coins>", "with --period: the most the owner pays in the agent's tx fees per period")
    .option("--expiration <time>", "when both grants expire: unix seconds or RFC 3339 (default: never)");
}

/** block mode by default: the command reports limits that are in place, not a tx that may still fail */
function agentTxFlags(cmd: Command): Command {
  addTxFlags(limitOptions(cmd));
  return cmd.setOptionValueWithSource("broadcastMode", "block", "default");
}

function nextSteps(name: string, agent: string, owner: string): string[] {
  return [
    `pay through the x402 gateway (dgrid gateway --node URL): createDGridX402Client(<${name}'s signer>, { rpcUrl, granter: "${owner}", feeGranter: "${owner}" }) with @x402/fetch's wrapFetchWithPayment, then POST http://127.0.0.1:8402/v1/models/<MODEL_ID>/infer`,
    `or sign by hand: dgrid tx authz exec FILE --from ${name} --fee-granter ${owner} (FILE: {"messages":[{"@type":"/dgrid.inference.v1.MsgRequestInference","requester":"${owner}",...}]})`,
    `see what is left: dgrid agent show ${agent} --owner ${owner}`,
  ];
}

export function registerAgentCommands(program: Command, io: CliIO): void {
  const agent = program
    .command("agent")
    .description("AI agents: keys of their own that pay for inference within limits their owner sets");

  /** signs the grants with the owner's key (replacing the owner's fee allowance for the agent, if any) */
  const grantTx = async (cmd: Command, address: string, opts: AgentFlags) => {
    const { agentGrantMsgs, hasAllowance, limitsSummary } = await impl();
    const make = agentGrantMsgs(address, opts);
    const owner = openKeyring(cmd, io).get(opts.owner as string);
    const replace = await hasAllowance(nodeUrl(cmd, io), owner.address, address);
    const { signAndBroadcast } = await import("./tx-send.ts");
    const result = await signAndBroadcast(
      io,
      cmd,
      owner.name,
      (o) => make(o, replace),
      opts,
      (o) => ({ owner: o, agent: address, limits: limitsSummary(opts) }),
    );
    return { owner: owner.address, result, limits: limitsSummary(opts) };
  };
  const requireOwner = (opts: AgentFlags) => {
    if (!opts.owner) throw new CliError("--owner <key> is required: the key that grants the agent its limits");
  };

  agentTxFlags(
    agent
      .command("create <name>")
      .description(
        "make the agent's key NAME (as keys add: prints its address and mnemonic) and, in one tx signed by --owner, " +
          "grant it an InferenceAuthorization and a fee allowance for its MsgExec txs",
      ),
  ).action(async (name: string, opts: AgentFlags, cmd: Command) => {
    requireOwner(opts);
    const { agentGrantMsgs } = await impl();
    const ring = openKeyring(cmd, io);
    // everything checked before the key is made or anything is sent
    if (ring.has(name))
      throw new CliError(
        `key "${name}" already exists in ${ring.path}: pick another name, or give it limits with dgrid agent grant ${name} --owner ...`,
      );
    const owner = ring.get(opts.owner as string);
    agentGrantMsgs(owner.address, opts); // the flags (the agent's address is not known yet)

    const { info, mnemonic } = await ring.add(name);
    const json = globalsOf(cmd).output === "json";
    if (!json) {
      io.out(keyText(info));
      io.err(`\n${MNEMONIC_NOTICE}\n${mnemonic}\n\n`);
    }
    const kept = `the agent's key "${name}" (${info.address}) was kept: retry the grants with dgrid agent grant ${name} --owner ${opts.owner} and the same limit flags, or remove it with dgrid keys delete ${name}`;
    const key = { name, address: info.address, pubkey: info.pubkey, ...(json ? { mnemonic } : {}) };
    let granted: Awaited<ReturnType<typeof grantTx>>;
    try {
      granted = await grantTx(cmd, info.address, opts);
    } catch (e) {
      // with -o json the key (and its mnemonic) has not been printed yet
      if (json) io.out(`${JSON.stringify(key, null, 2)}\n`);
      throw new CliError(`${(e as Error).message}; ${kept}`);
    }
    const { result } = granted;
    if (result.code !== 0) {
      printResult(io, globalsOf(cmd).output, json ? { ...key, tx: result } : { tx: result }, toYaml);
      throw new CliError(
        `the grant transaction failed with code ${result.code} (codespace ${result.codespace}): ${result.raw_log}; ${kept}`,
      );
    }
    const summary = {
      owner: granted.owner,
      may_spend: granted.limits,
      next_steps: nextSteps(name, info.address, granted.owner),
    };
    if (json) io.out(`${JSON.stringify({ ...key, ...summary, tx: result }, null, 2)}\n`);
    else io.out(toYaml({ ...summary, tx: { txhash: result.txhash, height: result.height } }));
  });

  agentTxFlags(
    agent
      .command("grant <name_or_address>")
      .description(
        "grant an existing key or address the agent limits (as create does, without making a key): " +
          "replaces the owner's earlier inference grant and fee allowance for it",
      ),
  ).action(async (who: string, opts: AgentFlags, cmd: Command) => {
    requireOwner(opts);
    const address = isAddress(who) ? who : openKeyring(cmd, io).get(who).address;
    const granted = await grantTx(cmd, address, opts);
    const { code, codespace, raw_log } = granted.result;
    const out = { agent: address, owner: granted.owner, may_spend: granted.limits, tx: granted.result };
    printResult(
      io,
      globalsOf(cmd).output,
      code === 0 ? { ...out, next_steps: nextSteps(who, address, granted.owner) } : out,
      toYaml,
    );
    if (code !== 0)
      throw new CliError(`the grant transaction failed with code ${code} (codespace ${codespace}): ${raw_log}`);
  });

  addNodeOption(
    addKeyringOptions(
      agent
        .command("show <name_or_address>")
        .description(
          "what the agent may still spend: its inference grant and fee allowance from --owner, read from the chain",
        )
        .option("--owner <key_or_address>", "the owner who granted the limits"),
    ),
  ).action(async (who: string, opts: { owner?: string }, cmd: Command) => {
    if (!opts.owner) throw new CliError("--owner <key_or_address> is required");
    const resolve = (x: string) => (isAddress(x) ? x : openKeyring(cmd, io).get(x).address);
    const status = await (await impl()).agentStatus(nodeUrl(cmd, io), resolve(opts.owner), resolve(who));
    printResult(io, globalsOf(cmd).output, status, toYaml);
  });
}
