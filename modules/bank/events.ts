// x/bank events, as SDK v0.50 emits them (x/bank/keeper/send.go, keeper.go).
import { newEvent, type SdkEvent } from "../../chain/baseapp/events.ts";

export const EventTypeTransfer = "transfer";
export const EventTypeCoinSpent = "coin_spent";
export const EventTypeCoinReceived = "coin_received";
export const EventTypeCoinMint = "coinbase";
export const EventTypeCoinBurn = "burn";
export const EventTypeMessage = "message";

export function coinSpent(spender: string, amount: string): SdkEvent {
  return newEvent(EventTypeCoinSpent, [
    ["spender", spender],
    ["amount", amount],
  ]);
}

export function coinReceived(receiver: string, amount: string): SdkEvent {
  return newEvent(EventTypeCoinReceived, [
    ["receiver", receiver],
    ["amount", amount],
  ]);
}

export function transfer(recipient: string, sender: string, amount: string): SdkEvent {
  return newEvent(EventTypeTransfer, [
    ["recipient", recipient],
    ["sender", sender],
    ["amount", amount],
  ]);
}

export function messageSender(sender: string): SdkEvent {
  return newEvent(EventTypeMessage, [["sender", sender]]);
}

export function coinbase(minter: string, amount: string): SdkEvent {
  return newEvent(EventTypeCoinMint, [
    ["minter", minter],
    ["amount", amount],
  ]);
}

export function burn(burner: string, amount: string): SdkEvent {
  return newEvent(EventTypeCoinBurn, [
    ["burner", burner],
    ["amount", amount],
  ]);
}
