"$CUSTODY" scan --no-progress --fail-on medium "$FIXTURES/agents/nearmiss"
