#!/bin/bash
# tandemd's config check runs in the VM against a config with a virtual_server (the part that
# programs IPVS in later issues), and the binary starts at all in the guest's environment.
. tests/vm/guest/lib.sh
need_tandemd
conf=tests/vm/guest/ipvs-basic.conf
"$TANDEMD" -t -f "$conf"
rc=$?
[ $rc -eq 0 ] || fail "tandemd -t -f $conf exited $rc"
log "tandemd -t ok"
