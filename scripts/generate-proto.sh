#!/usr/bin/env bash
# Regenerates Sources/StewardAPI/Generated from proto/. Run after editing a .proto file, then commit both.
# Needs protoc (Debian: protobuf-compiler). Builds protoc-gen-swift from the swift-protobuf checkout SwiftPM resolved.
set -euo pipefail
cd "$(dirname "$0")/.."
swift package resolve
plugin_dir=.build/checkouts/swift-protobuf
(cd "$plugin_dir" && swift build -c release --product protoc-gen-swift --scratch-path ../../../.build-protoc)
protoc --plugin=protoc-gen-swift=.build-protoc/release/protoc-gen-swift \
  --swift_out=Sources/StewardAPI/Generated --swift_opt=Visibility=Public,FileNaming=DropPath \
  -I proto proto/steward/v1/*.proto
