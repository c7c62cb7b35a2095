# The text report of the demo, as `make demo` shows it. Needs the analyzers (after the merge).
"$CUSTODY" scan --no-progress --color never "$SRCDIR/examples"
