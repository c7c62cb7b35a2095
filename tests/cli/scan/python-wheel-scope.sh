# A wheel's modules are library code (low, like Python on disk outside model code); piping a
# download into a shell stays critical in any Python file (python/fetch-and-run).
"$CUSTODY" scan --no-progress --fail-on info "$FIXTURES/pydist"
