# A lockfile update that pulls in a hijacked release is flagged critical by deps diff, with the
# list entry, here between two bun.lockb files (the binary lockfile is read like the others).
"$CUSTODY" deps diff "$FIXTURES/deps/bun-lockb/app/bun.lockb" \
    "$FIXTURES/deps/bun-lockb/compromised/bun.lockb"
