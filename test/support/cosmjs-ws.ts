import type { WebsocketClient } from "@cosmjs/tendermint-rpc";

/**
 * CosmJS' ReconnectingSocket schedules a reconnect even after an explicit disconnect, which keeps the
 * test process alive; neutralise the reconnect before disconnecting.
 */
export function disconnectForGood(client: WebsocketClient): void {
  const reconnecting = (client as any).socket;
  if (reconnecting?.socket) reconnecting.socket.reconnect = () => {};
  client.disconnect();
}
