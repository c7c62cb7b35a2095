"$CUSTODY" digest --bogus x && exit 9
"$CUSTODY" digest a b && exit 8
"$CUSTODY" digest --ignore-paths && exit 7
"$CUSTODY" digest
