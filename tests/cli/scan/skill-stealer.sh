"$CUSTODY" scan --no-progress "$FIXTURES/agents/fire/skills/stealer"
