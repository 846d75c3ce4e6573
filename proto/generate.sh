#!/usr/bin/env bash
# npm run proto: regenerate proto/gen from proto/*.proto with the buf binary of @bufbuild/buf.
#  - TypeScript (ts-proto) only for the dgrid packages and the few SDK types they use; the Cosmos SDK
#    and CometBFT types come from cosmjs-types;
#  - gen/descriptors.binpb: the FileDescriptorSet of every .proto here (SDK declarations included),
#    which the REST gateway, the gRPC server and its reflection read at start;
#  - gen/openapi.json: the OpenAPI 3 document of the REST routes (chain/api/openapi.ts).
set -euo pipefail
cd "$(dirname "$0")"
BUF=../node_modules/.bin/buf
rm -rf gen
"$BUF" generate --path dgrid --path cosmos/base/v1beta1 --path cosmos/base/query --path cosmos/msg
"$BUF" build --exclude-source-info -o gen/descriptors.binpb
# the REST gateway's OpenAPI document, from the same descriptors (deterministic; the node serves its twin)
node --import tsx ../chain/api/openapi-generate.ts gen/descriptors.binpb gen/openapi.json
