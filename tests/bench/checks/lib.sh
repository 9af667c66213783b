# tests/bench/checks/lib.sh - what the host check benches (run.sh, strace.sh, callgrind.sh)
# share; sourced after they set HERE, REPO (cwd) and BUILD.
#   bench_build: libtandem.a, then $BUILD/bench/check_run (the check engine alone, with the
#     Makefile's own PKG_CFLAGS / PKG_LIBS) and $BUILD/bench/bench_srv
#   bench_ns TAG: a private namespace tdm-TAG-$$ with lo up ($NS), a temporary directory ($TMP)
#     and their removal at exit (with the server of bench_srv_start)
#   bench_srv_start: bench_srv on the namespace's 0.0.0.0:8080 ($SRV)
#   bench_conf_one KIND N: $TMP/bench.conf with N checks of one kind (tcp: TCP_CHECK, else
#     HTTP_GET) at delay_loop 1 s

bench_build() {
	make --no-print-directory -s BUILD="$BUILD" "$BUILD/libtandem.a"
	mkdir -p "$BUILD/bench"
	local mkv pcf plibs
	mkv=$(make --no-print-directory -s -p -n BUILD="$BUILD" nothing 2>/dev/null || true)
	pcf=$(sed -n 's/^PKG_CFLAGS := //p' <<<"$mkv" | head -1)
	plibs=$(sed -n 's/^PKG_LIBS := //p' <<<"$mkv" | head -1)
	# shellcheck disable=SC2086
	cc -O2 -g -std=gnu11 -D_GNU_SOURCE -I. $pcf -o "$BUILD/bench/check_run" \
		"$HERE/check_run.c" "$BUILD/libtandem.a" $plibs
	cc -O2 -g -std=gnu11 -D_GNU_SOURCE -o "$BUILD/bench/bench_srv" "$HERE/bench_srv.c"
}

bench_cleanup() {
	[ -n "${SRV:-}" ] && kill "$SRV" 2>/dev/null || true
	ip netns pids "$NS" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
	ip netns del "$NS" 2>/dev/null || true
	rm -rf "$TMP"
}

bench_ns() {
	TMP=$(mktemp -d)
	NS="tdm-$1-$$"
	trap bench_cleanup EXIT
	ip netns add "$NS"
	ip -n "$NS" link set lo up
}

bench_conf_one() {
	if [ "$1" = tcp ]; then
		/usr/bin/python3 "$HERE/gen.py" "$2" 0 1 > "$TMP/bench.conf"
	else
		/usr/bin/python3 "$HERE/gen.py" 0 "$2" 1 > "$TMP/bench.conf"
	fi
}

bench_srv_start() {
	ip netns exec "$NS" "$BUILD/bench/bench_srv" 0.0.0.0 8080 &
	SRV=$!
}
