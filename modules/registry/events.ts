// Registry events (every attribute indexed: tx_search "model_registered.model_id='...'").
import { newEvent, type SdkEvent } from "../../chain/baseapp/events.ts";

export function modelRegistered(modelId: string, creator: string, name: string, version: string): SdkEvent {
  return newEvent("model_registered", { model_id: modelId, creator, name, version });
}

export function modelServed(modelId: string, validator: string, provider: string): SdkEvent {
  return newEvent("model_served", { model_id: modelId, validator, provider });
}

export function modelWithdrawn(modelId: string, validator: string): SdkEvent {
  return newEvent("model_withdrawn", { model_id: modelId, validator });
}

export function modelDelisted(modelId: string): SdkEvent {
  return newEvent("model_delisted", { model_id: modelId });
}

export function conformanceFailed(modelId: string, validator: string, provider: string, reason: string): SdkEvent {
  return newEvent("conformance_failed", { model_id: modelId, validator, provider, reason });
}

export function conformancePassed(modelId: string, validator: string): SdkEvent {
  return newEvent("conformance_passed", { model_id: modelId, validator });
}

export function modelCardUpdated(modelId: string, task: string, supersedes: string): SdkEvent {
  return newEvent("model_card_updated", { model_id: modelId, task, supersedes });
}
