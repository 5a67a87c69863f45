# SPDX-License-Identifier: GPL-2.0-or-later
# vnet-multi: `make` builds everything, `make check` runs every test,
# `make demo` boots a guest networking through -device vnet-multi.
# On a fresh Debian 12 machine as root, each installs what it needs.

-include config.mak
QEMU_SRC ?=
B := build
MESON := $(B)/tools/meson
QEMU := $(B)/qemu-system-x86_64
# Must match --firmwarepath in scripts/configure-qemu.
FIRMWARE_DIRS := /usr/share/seabios /usr/share/qemu /usr/lib/ipxe/qemu

.PHONY: all deps fetch qemu qemu-san check-sanitize check-fabric vnet vnet-asan vnet-fuzz guest-image check bench bench-micro device-bench bench-tcp fuzz demo clean distclean

all: qemu vnet guest-image

deps:
	@scripts/install-deps

fetch: deps
	@scripts/fetch-qemu

# Our files are symlinked into the overlay, so after the first build an
# edit to one of them rebuilds in seconds; patches re-copy only QEMU's
# tree (mtimes kept).
qemu: fetch
	@scripts/overlay-qemu $(if $(QEMU_SRC),$(QEMU_SRC),$(B)/qemu-src)
	@test -f $(B)/qemu-build/build.ninja || scripts/configure-qemu > $(B)/qemu-configure.log || \
	    { tail -30 $(B)/qemu-configure.log; exit 1; }
	ninja -C $(B)/qemu-build qemu-system-x86_64 tests/qtest/vnet-multi-test tests/qtest/netdev-vxlan-test tests/qtest/qos-test
	@$(call firmware-links,$(B)/qemu-build)
	@ln -sfn qemu-build/qemu-system-x86_64 $(QEMU)

# Run from the build tree, QEMU looks for its firmware path inside
# qemu-bundle/: point that at Debian's firmware packages.
firmware-links = for d in $(FIRMWARE_DIRS); do \
	    mkdir -p $(1)/qemu-bundle$$(dirname $$d) && ln -sfn $$d $(1)/qemu-bundle$$d; done

# The same QEMU and libvnet under ASan+UBSan (LeakSanitizer on), in its
# own build tree; `make check-sanitize` runs the qtests and the guest smoke
# tests on it (docs: tests/sanitize/README.md).
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
qemu-san: fetch
	@scripts/overlay-qemu $(if $(QEMU_SRC),$(QEMU_SRC),$(B)/qemu-src)
	@test -f $(B)/qemu-san/build.ninja || \
	    QEMU_BUILD_DIR=$(CURDIR)/$(B)/qemu-san scripts/configure-qemu --enable-asan --enable-ubsan \
	        --extra-cflags=-fno-sanitize-recover=undefined --extra-cxxflags="$(SAN_FLAGS)" \
	        > $(B)/qemu-san-configure.log || { tail -30 $(B)/qemu-san-configure.log; exit 1; }
	ninja -C $(B)/qemu-san qemu-system-x86_64 tests/qtest/vnet-multi-test tests/qtest/netdev-vxlan-test
	@$(call firmware-links,$(B)/qemu-san)

check-sanitize: qemu-san guest-image
	@scripts/check-sanitize

# The standalone vnet project: libvnet and its unit tests, no QEMU.
vnet: fetch
	@test -f $(B)/vnet/build.ninja || $(MESON) setup $(B)/vnet . > /dev/null
	ninja -C $(B)/vnet

vnet-asan: fetch
	@test -f $(B)/vnet-asan/build.ninja || \
	    $(MESON) setup $(B)/vnet-asan . -Db_sanitize=address,undefined -Db_lundef=false \
	        -Dcpp_args=-fno-sanitize-recover=all > /dev/null
	ninja -C $(B)/vnet-asan

# libvnet's libFuzzer targets: clang, ASan+UBSan over the whole library.
FUZZ_TARGETS := parsers stack tx ctrl vxlan state gso
vnet-fuzz: fetch
	@test -f $(B)/vnet-fuzz/build.ninja || \
	    CXX=clang++ $(MESON) setup $(B)/vnet-fuzz . -Dfuzz=true \
	        -Db_sanitize=address,undefined -Db_lundef=false \
	        -Dcpp_args=-fsanitize=fuzzer-no-link > /dev/null
	ninja -C $(B)/vnet-fuzz $(addprefix tests/fuzz/fuzz-,$(FUZZ_TARGETS))

# Each fuzz target for FUZZ_SECONDS (make check runs a short pass).
FUZZ_SECONDS ?= 300
fuzz: vnet-fuzz
	@scripts/fuzz $(FUZZ_SECONDS)

guest-image: deps
	@tests/guest/build-image

check: all vnet-asan vnet-fuzz
	@scripts/check

# Six guests and a kernel vxlan in one VNI (tests/guest/fabric-vxlan.sh):
# about 2 minutes, as root; not in `make check`.
check-fabric: qemu guest-image
	@tests/guest/fabric-vxlan.sh

# libvnet's micro-benchmarks, optimised; see docs/performance.md. Five
# repetitions each, reported as mean, median, spread and CV: one run on a
# shared 2-core machine varies by more than the differences sought.
BENCH_ARGS ?= --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
bench: bench-micro device-bench bench-tcp

bench-micro: fetch
	@test -f $(B)/vnet-bench/build.ninja || \
	    $(MESON) setup $(B)/vnet-bench . --buildtype=release > /dev/null
	ninja -C $(B)/vnet-bench tests/bench/vnet-bench
	$(B)/vnet-bench/tests/bench/vnet-bench $(BENCH_ARGS)

# Guests under TCG with kernel pktgen, vnet-multi beside stock devices
# (about 10 minutes; DEVICE_BENCH_ARGS=--count 20000 for a quick look).
device-bench: qemu guest-image
	@tests/bench/device-bench $(DEVICE_BENCH_ARGS)

# iperf3 TCP between two namespaces of one guest, vnet-multi's children
# beside igb VFs, a QEMU hub and the guest's own macvlan, and to a host
# namespace over tap (about 10 minutes; needs root).
bench-tcp: qemu guest-image
	@tests/bench/bench-tcp

demo: qemu guest-image
	@scripts/demo

clean:
	rm -rf $(B)/qemu-build $(B)/qemu-san $(B)/vnet $(B)/vnet-asan $(B)/vnet-bench $(B)/vnet-fuzz $(B)/guest $(QEMU)

distclean:
	rm -rf $(B) config.mak
