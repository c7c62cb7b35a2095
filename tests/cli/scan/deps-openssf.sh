# Real OpenSSF malicious-packages npm reports (2025-06-04 snapshot: every-version, explicit
# versions, an OSV range on the popular fsevents) and a Leitwacht 2026 report fire
# deps/known-malicious with their MAL- id; @afound/common 10.10.10 (the report lists 10.10.11
# and 10.10.12) does not.
"$CUSTODY" scan --no-progress "$FIXTURES/deps-data/openssf"
