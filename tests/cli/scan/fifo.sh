# A FIFO in the tree is reported (fs/special-file) and never opened: opening it would block.
# `timeout` turns a hang into exit 124, which fails the case.
mkdir "$TMPDIR/d" && mkfifo "$TMPDIR/d/pipe"
timeout 30 "$CUSTODY" scan --no-progress "$TMPDIR/d"
