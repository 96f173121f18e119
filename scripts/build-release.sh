#!/usr/bin/env bash
# The release build that ships (Dockerfile) and that BENCHMARKS.md measures.
#
# --static-swift-stdlib: the Swift runtime and Foundation are linked in, so the image needs no
#   Swift toolchain and only the code the binary uses is mapped.
# -no-pie: a position-dependent executable needs no relocation at start. As a PIE, the loader
#   rewrote every pointer in Swift metadata at start, which made 3 MB of the binary private,
#   dirty memory in every process (idle RSS 39-40 MB as PIE, 36 MB without; measured with
#   `steward-bench ingest`). The price is that the executable's own code is not placed at a random
#   address (shared libraries, heap and stacks still are), as with Go's default Linux builds.
# --no-export-dynamic: Swift links executables with every symbol exported (55,000 here). The
#   executable comes first in the loader's lookup scope, so each symbol libc and libstdc++ bind at
#   start searched its 1.7 MB symbol table and hash, which stayed resident (idle RSS 35.3 MB with
#   the exports, 32.2 MB without, in the same page-cache state). Nothing looks Steward's symbols up
#   at run time: the Swift runtime finds types and conformances through its own sections, and
#   crash backtraces read .symtab.
#
# Usage: scripts/build-release.sh [swift build options...], e.g. --product steward.
set -euo pipefail
cd "$(dirname "$0")/.."
exec swift build -c release --scratch-path .build-release --static-swift-stdlib -Xlinker -no-pie -Xlinker --no-export-dynamic "$@"
