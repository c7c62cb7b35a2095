# Popular packages close to each other, clean versions of compromised packages, a private
# scope: nothing at or above high (exit 0 with the default --fail-on high).
"$CUSTODY" scan --no-progress "$FIXTURES/deps-data/near-miss"
