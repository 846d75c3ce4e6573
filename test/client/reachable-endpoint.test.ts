// A node listening on every interface advertises models_url http://0.0.0.0:PORT: the client and the
// CLI reach it at the host of the RPC URL they used (client/blob-upload.ts reachableEndpoint).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { reachableEndpoint } from "../../client/blob-upload.ts";

describe("reachableEndpoint", () => {
  it("replaces an unspecified address by the RPC URL's host and keeps the port and path", () => {
    assert.equal(reachableEndpoint("http://0.0.0.0:26660", "http://10.1.2.3:26657"), "http://10.1.2.3:26660");
    assert.equal(reachableEndpoint("http://[::]:26660/", "https://node.example:443"), "http://node.example:26660");
    assert.equal(reachableEndpoint("http://0.0.0.0:26660/base/", "http://[::1]:26657"), "http://[::1]:26660/base");
  });

  it("keeps any other address as advertised", () => {
    assert.equal(reachableEndpoint("https://models.example/", "http://127.0.0.1:26657"), "https://models.example");
    assert.equal(reachableEndpoint("http://127.0.0.1:5000", "http://10.0.0.1:26657"), "http://127.0.0.1:5000");
  });

  it("refuses an advertised value that is not a URL", () => {
    assert.throws(() => reachableEndpoint("not a url", "http://127.0.0.1:26657"), TypeError);
  });
});
