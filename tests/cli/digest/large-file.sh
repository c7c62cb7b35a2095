# A file past the pipelined-read threshold (64 MiB; read by a helper thread while another hashes)
# digests exactly like a small one: root = SHA-256 over the file's raw SHA-256.
f="$TMPDIR/big.bin"
head -c 3000000 /dev/urandom >"$f"
truncate -s 70M "$f"
printf 'tail' >>"$f"
want=$(sha256sum "$f" | cut -d' ' -f1 | xxd -r -p | sha256sum | cut -d' ' -f1)
got=$("$CUSTODY" digest "$f")
[ "$got" = "sha256:$want" ] && echo "match" || echo "mismatch: $got vs $want"
