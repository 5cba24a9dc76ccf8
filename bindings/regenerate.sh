#!/usr/bin/env bash
# Regenerates the jextract bindings (flowlane_shim_h.java) from native/include/flowlane_shim.h.
# jextract is not in Debian's or Maven Central's registries, so the generated sources are
# checked in; run this after changing the shim's header when jextract is on PATH
# (https://jdk.java.net/jextract/). FastPath.java and rte_mbuf.java are written by hand:
# jextract emits neither critical downcalls nor long-typed pointer parameters, which the
# packet path needs to avoid creating a MemorySegment per call.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if ! command -v jextract >/dev/null 2>&1; then
    echo "jextract is not on PATH; the checked-in bindings stay as they are" >&2
    exit 1
fi
# pkg-config prints all the include flags on one line: one word each.
read -r -a dpdk_includes <<< "$(pkg-config --cflags-only-I libdpdk)"
jextract \
    --output "$here/src/main/java" \
    --target-package io.flowlane.bindings \
    --header-class-name flowlane_shim_h \
    "${dpdk_includes[@]}" \
    --include-function 'fl_.*' \
    "$here/../native/include/flowlane_shim.h"
